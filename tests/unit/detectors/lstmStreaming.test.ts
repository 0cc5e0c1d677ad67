import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DataError } from '../../../core/errors.ts';
import { createRng } from '../../../core/rng.ts';
import { LstmCell } from '../../../detectors/lstm/cell.ts';
import { firstPassageBelow } from '../../../detectors/lstm/firstPassage.ts';
import { LstmDetector, lstmDetector } from '../../../detectors/lstm/lstmDetector.ts';
import { LSTM_FORMAT_VERSION, type LstmManifest } from '../../../detectors/lstm/manifest.ts';
import { loadLstmModel, lstmModel } from '../../../detectors/lstm/model.ts';
import { SupportLevel } from '../../../detectors/lstm/supportLevel.ts';
import { normalCdf } from '../../../detectors/stats/normalCdf.ts';
import { tf, useBackend } from '../../../detectors/lstm/tfBackend.ts';
import { buildNetwork, networkOf, packWeights } from '../../../detectors/lstm/tfModel.ts';
import { lstmHyperDefaults } from '../../../detectors/lstm/train.ts';

const FEATURES = ['a', 'b', 'c', 'd', 'e'];
const W = 32;

/** A model file around an untrained (seeded, random) network: enough to compare inference paths. */
function manifestOf(recurrentActivation: 'sigmoid' | 'hardSigmoid', seed: number): LstmManifest {
  const hyper = { ...lstmHyperDefaults, hidden: 12, window: W, stride: 1, recurrentActivation };
  const net = buildNetwork(FEATURES.length, hyper, seed);
  // Random, non-zero biases, so the bias path is exercised too (tfjs initialises them to 0 and 1).
  const rng = createRng(seed);
  net.setWeights(
    net.getWeights().map((w) =>
      tf.add(
        w,
        tf.tensor(
          Array.from({ length: w.size }, () => 0.3 * rng.normal()),
          w.shape,
        ),
      ),
    ),
  );
  const weights = packWeights(net);
  net.dispose();
  return {
    kind: 'lstm-forecaster',
    formatVersion: LSTM_FORMAT_VERSION,
    features: FEATURES,
    normalisation: { mean: [1, -2, 0, 100, 0.5], std: [2, 0.5, 1, 10, 0.1] },
    errorScale: [1, 0.5, 2, 1, 0.8],
    hyper,
    seed,
    training: {
      command: 'test',
      format: 'none',
      files: [],
      keys: {},
      frames: 0,
      trainWindows: 0,
      validationWindows: 0,
      backend: 'test',
      lossByEpoch: [],
      validationLoss: 0,
    },
    weights,
  };
}

/** Raw feature vectors around the normalisation's mean, with a few missing values. */
function rawSequence(m: LstmManifest, n: number, seed: number): Float64Array[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, (_, t) =>
    Float64Array.from(m.features, (_, j) =>
      t % 17 === 3 && j === 2
        ? Number.NaN
        : m.normalisation.mean[j]! + m.normalisation.std[j]! * 1.5 * rng.normal(),
    ),
  );
}

beforeAll(async () => {
  await useBackend('wasm');
});

describe('lstm - streaming inference equals tfjs batch inference', () => {
  for (const act of ['sigmoid', 'hardSigmoid'] as const) {
    it(`cell steps match model.predict over a window (${act})`, () => {
      const m = manifestOf(act, 11);
      const net = networkOf(m);
      const rng = createRng(5);
      const windows = 4;
      const xs = Array.from({ length: windows * W * FEATURES.length }, () => 2 * rng.normal());
      const pred = tf.tidy(() =>
        (net.predict(tf.tensor3d(xs, [windows, W, FEATURES.length])) as tf.Tensor).arraySync(),
      ) as number[][][];
      net.dispose();
      const cell = new LstmCell(lstmModel(m).weights);
      let worst = 0;
      for (let b = 0; b < windows; b++) {
        cell.reset();
        for (let t = 0; t < W; t++) {
          const off = (b * W + t) * FEATURES.length;
          cell.step(xs.slice(off, off + FEATURES.length));
          for (let j = 0; j < FEATURES.length; j++)
            worst = Math.max(worst, Math.abs(cell.out[j]! - pred[b]![t]![j]!));
        }
      }
      expect(worst).toBeLessThan(1e-5);
    });
  }

  it('the detector standardises, clips and imputes as the batch path expects', () => {
    const m = manifestOf('sigmoid', 12);
    const model = lstmModel(m);
    const raw = rawSequence(m, W, 2);
    const clip = m.hyper.clip;
    const z = raw.flatMap((x) =>
      Array.from(x, (v, j) =>
        Number.isNaN(v)
          ? 0
          : Math.min(clip, Math.max(-clip, (v - m.normalisation.mean[j]!) / m.normalisation.std[j]!)),
      ),
    );
    const net = networkOf(m);
    const pred = tf.tidy(() =>
      (net.predict(tf.tensor3d(z, [1, W, FEATURES.length])) as tf.Tensor).arraySync(),
    ) as number[][][];
    net.dispose();
    const det = new LstmDetector(model);
    for (let t = 0; t < W; t++) {
      det.learn(raw[t]!);
      const f = det.forecast();
      for (let j = 0; j < FEATURES.length; j++) {
        const expected = pred[0]![t]![j]! * m.normalisation.std[j]! + m.normalisation.mean[j]!;
        expect(Math.abs(f[j]! - expected)).toBeLessThan(1e-5 * m.normalisation.std[j]!);
      }
    }
  });
});

describe('lstm - model files and checkpoints', () => {
  it('a saved model reloads to identical scores and explanations', () => {
    const m = manifestOf('sigmoid', 21);
    const dir = mkdtempSync(join(tmpdir(), 'flowguard-lstm-'));
    const path = join(dir, 'model.json');
    writeFileSync(path, JSON.stringify(m));
    const a = new LstmDetector(lstmModel(m), { normWarmup: 20 });
    const b = new LstmDetector(loadLstmModel(path), { normWarmup: 20 });
    const seq = rawSequence(m, 400, 3);
    let nonZero = 0;
    for (const x of seq) {
      const sa = a.score(x);
      expect(b.score(x)).toBe(sa);
      expect(Array.from(b.explain(x))).toEqual(Array.from(a.explain(x)));
      if (sa !== 0) nonZero++;
      a.learn(x);
      b.learn(x);
    }
    expect(nonZero).toBeGreaterThan(300);
  });

  it('a checkpoint restores a key mid-stream exactly, and refuses another model', () => {
    const m = manifestOf('sigmoid', 31);
    const model = lstmModel(m);
    const factory = lstmDetector(model);
    const det = factory.create({ normWarmup: 20 });
    const seq = rawSequence(m, 300, 4);
    seq.slice(0, 150).forEach((x, t) => {
      det.score(x);
      det.learn(x);
      det.observePrice(t * 100, 100 - t * 0.01);
    });
    const restored = factory.fromJSON(JSON.parse(JSON.stringify(det.toJSON())));
    for (const x of seq.slice(150)) {
      expect(restored.score(x)).toBe(det.score(x));
      det.learn(x);
      restored.learn(x);
    }
    expect(restored.supportBreak(60_000)).toEqual(det.supportBreak(60_000));
    const other = lstmDetector(lstmModel(manifestOf('sigmoid', 32)));
    expect(() => other.fromJSON(det.toJSON())).toThrow(DataError);
  });

  it('a model file of another format version or shape is refused with DataError', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowguard-lstm-'));
    const m = manifestOf('sigmoid', 41);
    writeFileSync(join(dir, 'v2.json'), JSON.stringify({ ...m, formatVersion: 2 }));
    expect(() => loadLstmModel(join(dir, 'v2.json'))).toThrow(/formatVersion 2/);
    writeFileSync(join(dir, 'shape.json'), JSON.stringify({ ...m, features: ['a', 'b'] }));
    expect(() => loadLstmModel(join(dir, 'shape.json'))).toThrow(DataError);
    expect(() => loadLstmModel(join(dir, 'missing.json'))).toThrow(/flowguard train/);
  });
});

describe('lstm - scores and attribution', () => {
  it('explain gives each feature its share of the standardised squared error', () => {
    const m = manifestOf('sigmoid', 51);
    const det = new LstmDetector(lstmModel(m), { normWarmup: 10 });
    for (const x of rawSequence(m, 100, 6)) det.learn(x);
    const x = det.forecast();
    x[3] = x[3]! + 20 * m.normalisation.std[3]! * m.errorScale[3]!;
    const share = det.explain(x);
    expect(share.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(share[3]).toBeGreaterThan(0.99);
    // 20 error scales on one feature: e ≈ 400, far above the ordinary sums in log deviations.
    expect(det.score(x)).toBeGreaterThan(3);
  });

  it('warms up silently, then a jump scores far above ordinary vectors', () => {
    const m = manifestOf('sigmoid', 61);
    const det = new LstmDetector(lstmModel(m));
    const seq = rawSequence(m, 2_000, 7);
    const scores = seq.map((x) => {
      const s = det.score(x);
      det.learn(x);
      return s;
    });
    expect(scores.slice(0, W).every((s) => s === 0)).toBe(true);
    const ordinary = scores.slice(500).sort((a, b) => a - b);
    const jump = Float64Array.from(seq[0]!, (v, j) => m.normalisation.mean[j]! + 8 * m.normalisation.std[j]!);
    expect(det.score(jump)).toBeGreaterThan(ordinary[Math.floor(0.999 * ordinary.length)]!);
  });
});

describe('lstm - support-break probability', () => {
  it('first passage: driftless reflection principle, drift direction, broken level', () => {
    // No drift: P = 2Φ(−b/(σ√t)).
    const b = 0.002;
    const s = 1e-4;
    const t = 100;
    const p0 = firstPassageBelow(b, 0, s, t);
    expect(p0).toBeCloseTo(2 * normalCdf(-b / (s * Math.sqrt(t))), 6);
    expect(firstPassageBelow(b, -2e-5, s, t)).toBeGreaterThan(p0);
    expect(firstPassageBelow(b, 2e-5, s, t)).toBeLessThan(p0);
    expect(firstPassageBelow(0, 0, s, t)).toBe(1);
    expect(firstPassageBelow(-0.01, 1, s, t)).toBe(1);
    // A strong downward drift far from the level must not overflow (exp(-2μb/σ²) is huge).
    expect(firstPassageBelow(0.05, -1e-3, 1e-5, 1)).toBeGreaterThanOrEqual(0);
    expect(Number.isNaN(firstPassageBelow(b, 0, Number.NaN, t))).toBe(true);
  });

  it('agrees with a simulated random walk', () => {
    const rng = createRng(9);
    const [b, mu, sigma, T, steps] = [0.001, -2e-6, 1e-4, 60, 600];
    const dt = T / steps;
    let hits = 0;
    const runs = 4_000;
    for (let r = 0; r < runs; r++) {
      let x = 0;
      for (let i = 0; i < steps; i++) {
        x += mu * dt + sigma * Math.sqrt(dt) * rng.normal();
        if (x <= -b) {
          hits++;
          break;
        }
      }
    }
    // Discrete monitoring misses some crossings: the simulated rate sits a little below.
    const p = firstPassageBelow(b, mu, sigma, T);
    expect(hits / runs).toBeLessThan(p + 0.02);
    expect(hits / runs).toBeGreaterThan(p - 0.08);
  });

  it('the support is the lagged rolling minimum; breaking it (by the margin, if any) gives probability 1', () => {
    const level = new SupportLevel(60_000, 10_000);
    level.observe(0, 100);
    expect(Number.isNaN(level.level)).toBe(true);
    level.observe(5_000, 99);
    level.observe(12_000, 101);
    // 100 at t=0 and 99 at t=5 s are 10 s old by t=15 s; 101 is not yet.
    level.observe(15_000, 98);
    expect(level.level).toBe(99);
    level.observe(80_000, 100);
    // The window now covers [10 s, 70 s]: 99 (t = 5 s) has left it, 101 and 98 remain.
    expect(level.level).toBe(98);

    const m = manifestOf('sigmoid', 71);
    const walk = (breakMargin: number) => {
      const det = new LstmDetector(lstmModel(m), {
        supportLagMs: 1_000,
        supportWindowMs: 60_000,
        volWarmup: 5,
        breakMargin,
      });
      for (let t = 0; t < 60; t++) det.observePrice(t * 1_000, 100 * Math.exp(1e-4 * Math.sin(t)));
      return det;
    };
    const det = walk(0);
    const above = det.supportBreak(30_000);
    expect(above.broken).toBe(false);
    expect(above.breakLevel).toBe(above.support);
    expect(above.probability).toBeGreaterThan(0);
    expect(above.probability).toBeLessThan(1);
    expect(above.volatility).toBeGreaterThan(0);
    det.observePrice(61_000, 99);
    const broken = det.supportBreak(30_000);
    expect(broken.broken).toBe(true);
    expect(broken.probability).toBe(1);

    // With a 2 % margin a price 1 % under the support only tests the level; 2.1 % under breaks it.
    const margin = walk(0.02);
    margin.observePrice(61_000, 99);
    const tested = margin.supportBreak(30_000);
    expect(tested.breakLevel).toBeCloseTo(tested.support * 0.98, 12);
    expect(tested.broken).toBe(false);
    expect(tested.probability).toBeLessThan(1);
    // Within the lag, so the 99 has not entered the window yet: the support is the same.
    margin.observePrice(61_500, tested.support * 0.979);
    expect(margin.supportBreak(30_000)).toMatchObject({ broken: true, probability: 1 });
  });
});
