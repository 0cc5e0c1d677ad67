import { createRng } from '../../core/rng.ts';
import { LstmCell } from './cell.ts';
import { LstmDetector } from './lstmDetector.ts';
import { decodeFloat32 } from './manifest.ts';
import type { LstmModel } from './model.ts';
import { tf, useBackend } from './tfBackend.ts';
import { networkOf } from './tfModel.ts';

/** CPU microseconds per key-step of each way to run the network (lower is better). */
export interface StepFigures {
  hidden: number;
  features: number;
  window: number;
  /** The streaming cell in typed arrays, one key at a time (the hot path). */
  typedArrayStepUs: number;
  /** The whole detector per frame: score, then learn (error, running statistics, one cell step). */
  typedArrayDetectorFrameUs: number;
  backend: string;
  /** One streaming step in tfjs ops, keys batched together (batch 1 = one key per event, as the pipeline sees them). */
  tfjsStepBatch1Us: number;
  tfjsStepBatch64Us: number;
  /** Re-running the whole window for 64 keys at once with model.predict, per key. */
  tfjsWindowBatch64UsPerKey: number;
}

/**
 * CPU time (user + system, all threads of the process) per call of `run`'s body: on a shared
 * machine wall time mostly measures the neighbours.
 */
function timeUs(run: (n: number) => void, minMs = 300): number {
  run(200);
  let n = 10;
  for (;;) {
    const c0 = process.cpuUsage();
    run(n);
    const c = process.cpuUsage(c0);
    const us = c.user + c.system;
    if (us >= minMs * 1000) return us / n;
    n *= us < minMs * 100 ? 10 : 2;
  }
}

/** Measures the streaming cell against tfjs on `backend` for `model`. */
export async function measureStep(model: LstmModel, backend: 'wasm' | 'cpu' = 'wasm'): Promise<StepFigures> {
  const { d, hidden: H } = model.weights;
  const W = model.manifest.hyper.window;
  const rng = createRng(1);
  const K = 64;
  const inputs = Array.from({ length: 256 }, () => Float64Array.from({ length: d }, () => rng.normal()));
  const cells = Array.from({ length: K }, () => new LstmCell(model.weights));
  let t = 0;
  const typedArrayStepUs = timeUs((n) => {
    for (let i = 0; i < n; i++, t++) cells[t % K]!.step(inputs[t & 255]!);
  });
  const raw = inputs.map((z) =>
    Float64Array.from(z, (v, j) => v * model.manifest.normalisation.std[j]! + model.mean[j]!),
  );
  const dets = Array.from({ length: K }, () => new LstmDetector(model, { warmup: 0, normWarmup: 0 }));
  const typedArrayDetectorFrameUs = timeUs((n) => {
    for (let i = 0; i < n; i++, t++) {
      const det = dets[t % K]!;
      const x = raw[t & 255]!;
      det.score(x);
      det.learn(x);
    }
  });

  const used = await useBackend(backend);
  const m = model.manifest;
  const w = (k: keyof typeof m.weights) =>
    tf.tensor(decodeFloat32(m.weights[k].float32Base64), m.weights[k].shape);
  const [kernel, rec, bias, dk, db] = [
    w('kernel'),
    w('recurrentKernel'),
    w('bias'),
    w('denseKernel'),
    w('denseBias'),
  ];
  const gate =
    m.hyper.recurrentActivation === 'sigmoid'
      ? tf.sigmoid
      : (x: tf.Tensor) => tf.clipByValue(tf.add(tf.mul(x, 0.2), 0.5), 0, 1);
  const tfStep = (batch: number): number => {
    let h = tf.zeros([batch, H]);
    let c = tf.zeros([batch, H]);
    const x = tf.randomNormal([batch, d], 0, 1, 'float32', 3);
    const us = timeUs((n) => {
      for (let i = 0; i < n; i++) {
        const [h2, c2, out] = tf.tidy(() => {
          const g = tf.add(tf.add(tf.matMul(x, kernel), tf.matMul(h, rec)), bias);
          const [gi, gf, gc, go] = tf.split(g, 4, 1) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
          const cn = tf.add(tf.mul(gate(gf), c), tf.mul(gate(gi), tf.tanh(gc)));
          const hn = tf.mul(gate(go), tf.tanh(cn));
          return [hn, cn, tf.add(tf.matMul(hn, dk), db)];
        });
        // The scores need the prediction on the JS side every step.
        out!.dataSync();
        tf.dispose([h, c, out!]);
        h = h2!;
        c = c2!;
      }
    }, 500);
    tf.dispose([h, c, x]);
    return us / batch;
  };
  const tfjsStepBatch1Us = tfStep(1);
  const tfjsStepBatch64Us = tfStep(64);
  const net = networkOf(m);
  const xb = tf.randomNormal([64, W, d], 0, 1, 'float32', 4);
  const tfjsWindowBatch64UsPerKey =
    timeUs((n) => {
      for (let i = 0; i < n; i++) tf.tidy(() => (net.predict(xb) as tf.Tensor).dataSync());
    }, 1000) / 64;
  tf.dispose([kernel, rec, bias, dk, db, xb]);
  net.dispose();
  return {
    hidden: H,
    features: d,
    window: W,
    typedArrayStepUs,
    typedArrayDetectorFrameUs,
    backend: used,
    tfjsStepBatch1Us,
    tfjsStepBatch64Us,
    tfjsWindowBatch64UsPerKey,
  };
}
