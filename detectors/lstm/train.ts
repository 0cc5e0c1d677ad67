import { DataError } from '../../core/errors.ts';
import { createRng, type Rng } from '../../core/rng.ts';
import { LstmCell } from './cell.ts';
import type { FrameSet } from './frames.ts';
import { LSTM_FORMAT_VERSION, type LstmHyper, type LstmManifest, parseManifest } from './manifest.ts';
import { lstmModel } from './model.ts';
import { tf, useBackend } from './tfBackend.ts';
import { buildNetwork, packWeights } from './tfModel.ts';

export const lstmHyperDefaults: LstmHyper = {
  hidden: 16,
  window: 32,
  stride: 4,
  epochs: 6,
  batchSize: 128,
  learningRate: 0.01,
  maxWindows: 8_000,
  validationShare: 0.2,
  clip: 10,
  recurrentActivation: 'sigmoid',
};

/** Smallest per-feature error scale, in standardised units. */
export const ERROR_SCALE_FLOOR = 0.05;

export interface TrainOptions {
  readonly frames: FrameSet;
  readonly hyper: LstmHyper;
  readonly seed: number;
  readonly backend: 'wasm' | 'cpu';
  /** What the frames came from, recorded in the manifest. */
  readonly source: Pick<LstmManifest['training'], 'command' | 'format' | 'files'>;
  /** One line per epoch. */
  readonly log: (line: string) => void;
  /** Progress within an epoch (for a terminal); optional. */
  readonly tick?: ((line: string) => void) | undefined;
}

/** Per-feature mean and population deviation over every finite value; constant or absent features get std 1. */
function normalisation(frames: FrameSet): { mean: number[]; std: number[] } {
  const d = frames.names.length;
  const n = new Float64Array(d);
  const mean = new Float64Array(d);
  const m2 = new Float64Array(d);
  for (const seq of frames.keys.values()) {
    for (let r = 0; r < seq.rows; r++) {
      for (let j = 0; j < d; j++) {
        const x = seq.data[r * d + j]!;
        if (!Number.isFinite(x)) continue;
        n[j]!++;
        const delta = x - mean[j]!;
        mean[j]! += delta / n[j]!;
        m2[j]! += delta * (x - mean[j]!);
      }
    }
  }
  const std = Array.from(m2, (s, j) => (n[j]! > 1 ? Math.sqrt(s / n[j]!) : 0));
  return { mean: Array.from(mean), std: std.map((s) => (s > 1e-12 ? s : 1)) };
}

/**
 * The frames without the features that never have a value in them (order events on a venue that
 * publishes none, say): the network could learn nothing about them, and at inference they would
 * only add noise.
 */
function withoutAbsentFeatures(frames: FrameSet, log: (line: string) => void): FrameSet {
  const d = frames.names.length;
  const present = new Array<boolean>(d).fill(false);
  for (const seq of frames.keys.values())
    for (let i = 0; i < seq.rows * d; i++) if (Number.isFinite(seq.data[i]!)) present[i % d] = true;
  if (present.every(Boolean)) return frames;
  const keep = present.flatMap((p, j) => (p ? [j] : []));
  log(`left out (no value in the data): ${frames.names.filter((_, j) => !present[j]).join(', ')}`);
  const keys = new Map<string, { rows: number; data: Float32Array }>();
  for (const [k, seq] of frames.keys) {
    const data = new Float32Array(seq.rows * keep.length);
    for (let r = 0; r < seq.rows; r++)
      keep.forEach((j, c) => (data[r * keep.length + c] = seq.data[r * d + j]!));
    keys.set(k, { rows: seq.rows, data });
  }
  return { names: keep.map((j) => frames.names[j]!), keys, frames: frames.frames };
}

/** Windows as (key index, start row) pairs. */
interface Windows {
  key: Int32Array;
  start: Int32Array;
  length: number;
}

/** Draws up to `take` of the candidate windows without replacement (partial Fisher–Yates). */
function sample(cands: Windows, take: number, rng: Rng): Windows {
  const n = cands.length;
  const k = Math.min(take, n);
  const idx = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(n - i);
    const t = idx[i]!;
    idx[i] = idx[j]!;
    idx[j] = t;
  }
  const pick = idx.subarray(0, k).sort();
  return {
    key: Int32Array.from(pick, (i) => cands.key[i]!),
    start: Int32Array.from(pick, (i) => cands.start[i]!),
    length: k,
  };
}

function candidates(
  seqs: { rows: number }[],
  W: number,
  share: number,
  part: 'train' | 'validation',
): Windows {
  const key: number[] = [];
  const start: number[] = [];
  seqs.forEach((s, k) => {
    const split = Math.floor(s.rows * (1 - share));
    // A window is W inputs and the W following rows as targets: W + 1 rows.
    const [lo, hi] = part === 'train' ? [0, split - W - 1] : [split, s.rows - W - 1];
    for (let st = lo; st <= hi; st++) {
      key.push(k);
      start.push(st);
    }
  });
  return { key: Int32Array.from(key), start: Int32Array.from(start), length: key.length };
}

/**
 * Trains the forecaster on feature frames and returns its model file. Deterministic: windows are
 * drawn and shuffled with core/rng from `seed`, initialisers are seeded, and the loop is a plain
 * Adam loop over fixed batches, so the same data, seed and backend give the same weights.
 */
export async function trainLstm(o: TrainOptions): Promise<LstmManifest> {
  const { hyper: hp } = o;
  const frames = withoutAbsentFeatures(o.frames, o.log);
  const d = frames.names.length;
  const W = hp.window;
  if (d === 0) throw new DataError('no features to train on');
  const keys = [...frames.keys.keys()];
  const seqs = keys.map((k) => frames.keys.get(k)!);
  const norm = normalisation(frames);
  // Standardised, clipped copies (NaN kept: it marks a missing input or an unscored target).
  const zs = seqs.map((s) => {
    const z = new Float32Array(s.rows * d);
    for (let i = 0; i < z.length; i++) {
      const j = i % d;
      const v = (s.data[i]! - norm.mean[j]!) / norm.std[j]!;
      z[i] = Number.isFinite(v) ? Math.min(hp.clip, Math.max(-hp.clip, v)) : Number.NaN;
    }
    return z;
  });

  const rng = createRng(o.seed);
  const nVal = Math.round(hp.maxWindows * hp.validationShare);
  const train = sample(candidates(seqs, W, hp.validationShare, 'train'), hp.maxWindows - nVal, rng);
  const val = sample(candidates(seqs, W, hp.validationShare, 'validation'), nVal, rng);
  if (train.length === 0)
    throw new DataError(
      `not enough frames: every key needs more than ${W + 1} (window + 1) rows after the stride`,
    );

  const backend = await useBackend(o.backend, o.log);
  const net = buildNetwork(d, hp, o.seed);
  const opt = tf.train.adam(hp.learningRate);

  const B = hp.batchSize;
  const xs = new Float32Array(B * W * d);
  const ys = new Float32Array(B * W * d);
  const ms = new Float32Array(B * W * d);
  /** Fills the batch buffers with windows `order[from..from+n)`; returns n. */
  const fill = (w: Windows, order: Int32Array, from: number): number => {
    const n = Math.min(B, order.length - from);
    for (let b = 0; b < n; b++) {
      const wi = order[from + b]!;
      const z = zs[w.key[wi]!]!;
      const s = w.start[wi]!;
      for (let i = 0; i < W * d; i++) {
        const xin = z[s * d + i]!;
        const yt = z[(s + 1) * d + i]!;
        xs[b * W * d + i] = Number.isNaN(xin) ? 0 : xin;
        const ok = !Number.isNaN(yt);
        ys[b * W * d + i] = ok ? yt : 0;
        ms[b * W * d + i] = ok ? 1 : 0;
      }
    }
    return n;
  };
  const tensors = (n: number) => [
    tf.tensor3d(xs.subarray(0, n * W * d), [n, W, d]),
    tf.tensor3d(ys.subarray(0, n * W * d), [n, W, d]),
    tf.tensor3d(ms.subarray(0, n * W * d), [n, W, d]),
  ];
  const maskedMse = (pred: tf.Tensor, y: tf.Tensor, m: tf.Tensor) =>
    tf.div(tf.sum(tf.mul(tf.square(tf.sub(pred, y)), m)), tf.add(tf.sum(m), 1e-6)) as tf.Scalar;

  const validationLoss = (): number => {
    if (val.length === 0) return Number.NaN;
    const order = Int32Array.from({ length: val.length }, (_, i) => i);
    let sum = 0;
    let count = 0;
    for (let from = 0; from < val.length; from += B) {
      const n = fill(val, order, from);
      const [x, y, m] = tensors(n) as [tf.Tensor, tf.Tensor, tf.Tensor];
      const [l, c] = tf.tidy(() => {
        const p = net.predict(x) as tf.Tensor;
        return [maskedMse(p, y, m).dataSync()[0]!, tf.sum(m).dataSync()[0]!];
      });
      sum += l * c;
      count += c;
      tf.dispose([x, y, m]);
    }
    return count > 0 ? sum / count : Number.NaN;
  };

  const lossByEpoch: number[] = [];
  const order = Int32Array.from({ length: train.length }, (_, i) => i);
  const batches = Math.ceil(train.length / B);
  for (let epoch = 1; epoch <= hp.epochs; epoch++) {
    const t0 = performance.now();
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      const t = order[i]!;
      order[i] = order[j]!;
      order[j] = t;
    }
    let sum = 0;
    for (let b = 0; b < batches; b++) {
      const n = fill(train, order, b * B);
      const [x, y, m] = tensors(n) as [tf.Tensor, tf.Tensor, tf.Tensor];
      const loss = opt.minimize(() => maskedMse(net.apply(x, { training: true }) as tf.Tensor, y, m), true);
      const l = loss!.dataSync()[0]!;
      tf.dispose([x, y, m, loss!]);
      sum += l * n;
      o.tick?.(`epoch ${epoch}/${hp.epochs}  batch ${b + 1}/${batches}  loss ${l.toFixed(4)}`);
    }
    lossByEpoch.push(sum / train.length);
    const vl = validationLoss();
    o.log(
      `epoch ${epoch}/${hp.epochs}: train loss ${(sum / train.length).toFixed(4)}, validation ${vl.toFixed(4)} ` +
        `(${((performance.now() - t0) / 1000).toFixed(1)} s, ${backend})`,
    );
  }

  const weights = packWeights(net);
  const vl = validationLoss();
  net.dispose();
  opt.dispose();

  const draft: LstmManifest = {
    kind: 'lstm-forecaster',
    formatVersion: LSTM_FORMAT_VERSION,
    features: [...frames.names],
    normalisation: norm,
    errorScale: new Array<number>(d).fill(1),
    hyper: hp,
    seed: o.seed,
    training: {
      ...o.source,
      keys: Object.fromEntries(keys.map((k, i) => [k, seqs[i]!.rows])),
      frames: frames.frames,
      trainWindows: train.length,
      validationWindows: val.length,
      backend,
      lossByEpoch,
      validationLoss: Number.isFinite(vl) ? vl : 0,
    },
    weights,
  };
  draft.errorScale = errorScale(draft, frames, norm);
  return parseManifest(draft, 'trained model');
}

/**
 * RMS of the one-step error per feature (standardised, unclipped), from streaming the held-out tail
 * of each key (the whole sequence when nothing is held out) through the cell exactly as inference
 * does, after a window of burn-in.
 */
function errorScale(m: LstmManifest, frames: FrameSet, norm: { mean: number[]; std: number[] }): number[] {
  const d = m.features.length;
  const W = m.hyper.window;
  const cell = new LstmCell(lstmModel(m).weights);
  const sum = new Float64Array(d);
  const count = new Float64Array(d);
  const z = new Float64Array(d);
  for (const seq of frames.keys.values()) {
    cell.reset();
    const from = m.hyper.validationShare > 0 ? Math.floor(seq.rows * (1 - m.hyper.validationShare)) : 0;
    for (let r = from; r < seq.rows; r++) {
      for (let j = 0; j < d; j++) {
        const x = seq.data[r * d + j]!;
        const v = (x - norm.mean[j]!) / norm.std[j]!;
        if (r - from >= W && Number.isFinite(v)) {
          const e = v - cell.out[j]!;
          sum[j]! += e * e;
          count[j]!++;
        }
        z[j] = Number.isFinite(v) ? Math.min(m.hyper.clip, Math.max(-m.hyper.clip, v)) : 0;
      }
      cell.step(z);
    }
  }
  // Floor: a twentieth of the feature's deviation is the smallest error that counts as one unit,
  // so a feature the network predicts almost perfectly (one that rarely changes) cannot turn its
  // next small step into a huge score.
  return Array.from(sum, (s, j) => Math.max(count[j]! > 0 ? Math.sqrt(s / count[j]!) : 1, ERROR_SCALE_FLOOR));
}
