import { setImmediate as tick } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../core/errors.ts';
import { createRng } from '../../../core/rng.ts';
import {
  StreamingIsolationForest,
  streamingIsolationForestFactory,
  type StreamingIsolationForestOptions,
} from '../../../detectors/streamingIsolationForest.ts';

const features = ['a', 'b', 'c'];

/** A seeded stream of normal vectors, `shift` added to every feature. */
function stream(n: number, seed: number, shift = 0): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => features.map(() => rng.normal() + shift));
}

/** Score first, then learn, as the pipeline does; returns the scores. */
function run(det: StreamingIsolationForest, xs: number[][]): number[] {
  return xs.map((x) => {
    const s = det.score(x);
    det.learn(x);
    return s;
  });
}

const inline = (o: Partial<StreamingIsolationForestOptions> = {}): StreamingIsolationForest =>
  new StreamingIsolationForest({
    features,
    refit: 'inline',
    warmUp: 256,
    windowSize: 1024,
    refitEvery: 500,
    ...o,
  });

const opened: StreamingIsolationForest[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((d) => d.close()));
});

describe('streamingIsolationForest - warm-up and refits (inline)', () => {
  it('scores 0 until the first model, fitted after warmUp vectors', () => {
    const det = inline();
    const xs = stream(300, 1);
    const scores = run(det, xs);
    expect(scores.slice(0, 256).every((s) => s === 0)).toBe(true);
    expect(det.status().modelVersion).toBe(1);
    expect(det.status().lastRefitReason).toBe('warm-up');
    expect(scores.slice(256).every((s) => s > 0 && s < 1)).toBe(true);
    expect(det.explain(xs[0]!)).toHaveLength(3);
  });

  it('refits every refitEvery learned vectors, and the same seed gives the same scores', () => {
    const xs = stream(1800, 2);
    const a = inline({ seed: 4 });
    const b = inline({ seed: 4 });
    const sa = run(a, xs);
    expect(run(b, xs)).toEqual(sa);
    // warm-up at 256, then every 500 learned vectors: 756, 1256, 1756.
    expect(a.status().modelVersion).toBe(4);
    expect(a.status().lastRefitReason).toBe('schedule');
    const c = inline({ seed: 5 });
    expect(run(c, xs)).not.toEqual(sa);
  });

  it('keeps anomalies out of the reference window', () => {
    const det = inline({ windowSize: 4096, refitEvery: 100_000 });
    run(det, stream(400, 3));
    const before = det.status().windowCount;
    run(det, stream(50, 4, 12)); // far outliers: scored high, not admitted
    expect(det.status().windowCount).toBe(before);
    run(det, stream(50, 5));
    expect(det.status().windowCount).toBeGreaterThan(before + 40);
  });

  it('refits early on drift and then adapts to the new regime', () => {
    const det = inline({ windowSize: 2048, refitEvery: 100_000, driftWindow: 200 });
    const before = run(det, stream(1000, 6)).slice(-500);
    expect(det.status().modelVersion).toBe(1);
    const after = run(det, stream(1500, 7, 4));
    expect(det.status().lastRefitReason).toBe('drift');
    const mean = (xs: number[]): number => xs.reduce((s, v) => s + v, 0) / xs.length;
    expect(mean(after.slice(0, 30))).toBeGreaterThan(mean(before) + 0.1); // the shift shows at first
    expect(mean(after.slice(-500))).toBeLessThan(mean(before) + 0.04); // and is normal once refitted
  });

  it('a JSON round trip keeps the model, the window and what happens next', () => {
    const xs = stream(2000, 8);
    const a = inline({ seed: 9 });
    run(a, xs.slice(0, 900));
    const b = streamingIsolationForestFactory.fromJSON(JSON.parse(JSON.stringify(a)));
    expect(b.score(xs[0]!)).toBe(a.score(xs[0]!));
    expect(run(b, xs.slice(900))).toEqual(run(a, xs.slice(900)));
    expect(b.status()).toEqual(a.status());
  });

  it('does not mutate the vectors it scores and learns', () => {
    const det = inline();
    const xs = stream(600, 10);
    const copy = JSON.stringify(xs);
    run(det, xs);
    det.explain(xs[0]!);
    expect(JSON.stringify(xs)).toBe(copy);
  });

  it('rejects inconsistent options, naming the field', () => {
    expect(() => inline({ warmUp: 2000, windowSize: 1000 })).toThrow(/warmUp/);
    expect(() => inline({ admitBelow: 0 })).toThrow(ConfigError);
    expect(() => new StreamingIsolationForest({ features: [] })).toThrow(/features/);
  });
});

describe('streamingIsolationForest - background refit (worker thread)', () => {
  it('never blocks scoring: scores come promptly, from the old model, until the new one is swapped in', async () => {
    // Large enough that the worker needs a while (tens of ms at least) for the second fit.
    const det = new StreamingIsolationForest({
      features,
      trees: 200,
      sampleSize: 1024,
      windowSize: 4096,
      warmUp: 2048,
      refitEvery: 2000,
      admitBelow: 1,
    });
    opened.push(det);
    const xs = stream(4100, 11);
    run(det, xs.slice(0, 2048));
    expect(det.status().refitting).toBe(true);
    expect(det.score(xs[0]!)).toBe(0); // still warming up: the first model is being fitted
    await det.whenIdle();
    expect(det.status()).toMatchObject({ modelVersion: 1, refitting: false, lastError: undefined });

    const probe = [0.3, -0.2, 0.1];
    const old = det.score(probe);
    run(det, xs.slice(2048, 2048 + 2000)); // the 2000th learned vector starts the refit
    expect(det.status().refitting).toBe(true);

    const latencies: number[] = [];
    let gap = 0;
    let last = performance.now();
    const started = last;
    const deadline = started + 30_000;
    while (det.status().refitting && performance.now() < deadline) {
      const t0 = performance.now();
      const s = det.score(probe);
      latencies.push(performance.now() - t0);
      if (det.status().refitting) expect(s).toBe(old);
      await tick(); // let the event loop run: the worker's answer arrives as a message
      gap = Math.max(gap, performance.now() - last);
      last = performance.now();
    }
    const refitMs = performance.now() - started;
    expect(det.status()).toMatchObject({ modelVersion: 2, refitting: false, lastError: undefined });
    latencies.sort((a, b) => a - b);
    // Hundreds of prompt score calls while the fit ran; the event loop never stalled for a
    // fraction of the fit (a fit on this thread would have blocked it for all of it).
    expect(latencies.length).toBeGreaterThan(20);
    expect(latencies[latencies.length >> 1]).toBeLessThan(1);
    expect(latencies[latencies.length - 1]).toBeLessThan(refitMs / 4);
    expect(gap).toBeLessThan(refitMs / 4);
    expect(det.score(probe)).not.toBe(old);
  });
});

describe('streaming isolation forest - missing features through JSON', () => {
  it('a window with missing features (NaN, written as null) restores and scores the same', () => {
    const a = new StreamingIsolationForest({
      features: ['x', 'y'],
      warmUp: 64,
      windowSize: 128,
      refit: 'inline',
    });
    for (let i = 0; i < 200; i++) a.learn([Math.sin(i), i % 7 === 0 ? Number.NaN : Math.cos(i)]);
    const json = JSON.parse(JSON.stringify(a.toJSON())) as unknown;
    const b = StreamingIsolationForest.fromJSON(json);
    for (const x of [
      [0.1, 0.2],
      [3, Number.NaN],
      [Number.NaN, -4],
    ])
      expect(b.score(x)).toBe(a.score(x));
    expect(b.warm).toBe(true);
  });
});
