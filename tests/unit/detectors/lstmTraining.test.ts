import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../../core/rng.ts';
import { marketFeatures } from '../../../features/index.ts';
import { collectFrames, type FrameSet } from '../../../detectors/lstm/frames.ts';
import { LstmDetector } from '../../../detectors/lstm/lstmDetector.ts';
import { lstmModel } from '../../../detectors/lstm/model.ts';
import { lstmHyperDefaults, trainLstm } from '../../../detectors/lstm/train.ts';
import { simulateMarket } from '../../../simulator/marketSimulator.ts';

/** Two keys of three noisy, phase-shifted sines (a learnable next step), with a NaN warm-up. */
function synthetic(seed: number): FrameSet {
  const rng = createRng(seed);
  const names = ['s1', 's2', 's3'];
  const keys = new Map<string, { rows: number; data: Float32Array }>();
  for (const key of ['vs:x:A', 'vs:x:B']) {
    const rows = 600;
    const data = new Float32Array(rows * 3);
    for (let r = 0; r < rows; r++)
      for (let j = 0; j < 3; j++)
        data[r * 3 + j] = r < 5 && j === 2 ? Number.NaN : Math.sin(r / 6 + j) * (j + 1) + 0.05 * rng.normal();
    keys.set(key, { rows, data });
  }
  return { names, keys, frames: 1200 };
}

const hyper = {
  ...lstmHyperDefaults,
  hidden: 8,
  window: 12,
  stride: 1,
  epochs: 6,
  batchSize: 32,
  learningRate: 0.02,
  maxWindows: 320,
};
const train = (seed: number, epochs = hyper.epochs) =>
  trainLstm({
    frames: synthetic(1),
    hyper: { ...hyper, epochs },
    seed,
    backend: 'wasm',
    source: { command: 'test', format: 'synthetic', files: [] },
    log: () => {},
  });

describe('lstm - training', () => {
  it('the same seed and data give identical weights; another seed does not', async () => {
    // Two epochs are enough to compare: every batch after the first depends on the ones before.
    const a = await train(7, 2);
    const b = await train(7, 2);
    const c = await train(8, 2);
    expect(b.weights).toEqual(a.weights);
    expect(b.normalisation).toEqual(a.normalisation);
    expect(b.errorScale).toEqual(a.errorScale);
    expect(c.weights.kernel.float32Base64).not.toBe(a.weights.kernel.float32Base64);
  });

  it('learns the sequence: loss falls and forecasts beat persistence', async () => {
    const m = await train(3);
    const losses = m.training.lossByEpoch;
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);
    // Streaming over a key, the one-step forecast is closer than "same as last" for the fastest sine.
    const frames = synthetic(2);
    const seq = frames.keys.get('vs:x:A')!;
    const det = new LstmDetector(lstmModel(m));
    let model = 0;
    let persistence = 0;
    for (let r = 0; r + 1 < seq.rows; r++) {
      const x = seq.data.subarray(r * 3, r * 3 + 3);
      det.learn(x);
      if (r < 50) continue;
      const next = seq.data[(r + 1) * 3 + 2]!;
      model += (det.forecast()[2]! - next) ** 2;
      persistence += (x[2]! - next) ** 2;
    }
    expect(model).toBeLessThan(persistence);
  });

  it('collects frames through the pipeline stages, per key, with the stride', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowguard-lstm-frames-'));
    const file = join(dir, 'events.jsonl');
    writeFileSync(
      file,
      [...simulateMarket({ seed: 2 }, 3_000)].map((e) => JSON.stringify(e)).join('\n') + '\n',
    );
    const features = marketFeatures.filter((f) => f.keyKind === 'venue-symbol');
    const all = await collectFrames({
      files: [file],
      format: 'events-jsonl',
      features,
      keyKind: 'venue-symbol',
      stride: 1,
    });
    const third = await collectFrames({
      files: [file],
      format: 'events-jsonl',
      features,
      keyKind: 'venue-symbol',
      stride: 3,
    });
    expect(all.names).toEqual(features.map((f) => f.name));
    expect(all.keys.size).toBeGreaterThan(0);
    for (const [k, s] of all.keys) expect(third.keys.get(k)!.rows).toBe(Math.floor(s.rows / 3));
    // The third frame of a key is the first kept with stride 3.
    const [key, seq] = [...all.keys][0]!;
    const d = all.names.length;
    expect(Array.from(third.keys.get(key)!.data.subarray(0, d))).toEqual(
      Array.from(seq.data.subarray(2 * d, 3 * d)),
    );
  });
});
