import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../../core/rng.ts';
import { ConfigError } from '../../../core/errors.ts';
import { TailCalibrator, tailCalibrator, tailCalibratorDefaults } from '../../../detectors/calibration.ts';
import type { Detector } from '../../../detectors/detector.ts';
import { P2Quantiles } from '../../../features/stats/p2Quantiles.ts';
import { normalCdf } from '../../../detectors/stats/normalCdf.ts';
import type { FeatureFrame } from '../../../pipelines/envelope.ts';
import { scoreDetectors } from '../../../pipelines/scoreDetectors.ts';

const rng = createRng(42);
const uniform = (n: number) => Array.from({ length: n }, () => rng.next());
const normal = (n: number) => Array.from({ length: n }, () => rng.normal());

describe('P2Quantiles - streaming quantiles', () => {
  it('tracks the quantiles of uniform and normal samples', () => {
    const ps = [0.05, 0.25, 0.5, 0.75, 0.9, 0.99];
    const u = new P2Quantiles(ps);
    const z = new P2Quantiles(ps);
    for (const x of uniform(50_000)) u.add(x);
    for (const x of normal(50_000)) z.add(x);
    for (const p of ps) {
      expect(Math.abs(u.quantile(p) - p)).toBeLessThan(0.01);
      expect(Math.abs(u.cdf(p) - p)).toBeLessThan(0.01);
      expect(Math.abs(normalCdf(z.quantile(p)) - p)).toBeLessThan(0.01);
    }
  });

  it('is exact while it holds fewer values than markers, and survives JSON', () => {
    const s = new P2Quantiles([0.5]);
    [5, 1, 3].forEach((x) => s.add(x));
    expect(s.quantile(0.5)).toBe(3);
    expect(s.cdf(3)).toBe(0.5);
    const back = P2Quantiles.fromJSON(JSON.parse(JSON.stringify(s)));
    for (const x of uniform(100)) {
      s.add(x);
      back.add(x);
    }
    expect(back.quantile(0.5)).toBe(s.quantile(0.5));
  });
});

describe('TailCalibrator - raw scores to 0..1', () => {
  const feed = (c: TailCalibrator, xs: number[]) => xs.forEach((x) => c.learn(x));

  it('maps a known distribution to its CDF (uniform and normal)', () => {
    const u = tailCalibrator({ generation: 20_000 })();
    feed(u, uniform(30_000));
    for (const x of [0.05, 0.1, 0.3, 0.5, 0.8, 0.95]) expect(Math.abs(u.score(x) - x)).toBeLessThan(0.015);
    const z = tailCalibrator({ generation: 20_000 })();
    feed(z, normal(30_000));
    for (const x of [-1.5, -0.5, 0, 0.7, 1.5, 2])
      expect(Math.abs(z.score(x) - normalCdf(x))).toBeLessThan(0.015);
  });

  it('extends the tail beyond the observed maximum, still rising towards 1', () => {
    // Exponential samples: the exponential tail is exact, P(X > x) = e^-x.
    const c = tailCalibrator({ generation: 20_000 })();
    feed(
      c,
      uniform(20_000).map((v) => -Math.log(1 - v)),
    );
    for (const x of [5, 7, 9]) {
      const t = c.tailProbability(x);
      expect(Math.abs(Math.log(t) + x)).toBeLessThan(0.35);
    }
    const s = [15, 20, 30].map((x) => c.score(x));
    expect(s[0]!).toBeLessThan(s[1]!);
    expect(s[1]!).toBeLessThan(s[2]!);
    expect(s[2]!).toBeLessThanOrEqual(1);
  });

  it('horizon N gives F^N: ordinary values stay low, a threshold means once per horizon/(1-s) values', () => {
    const exp = (n: number) => uniform(n).map((v) => -Math.log(1 - v));
    const c = tailCalibrator({ horizon: 1_000, generation: 20_000 })();
    feed(c, exp(20_000));
    const over = exp(400_000).filter((x) => c.score(x) >= 0.9).length;
    // Expected 400 000 · (1 - 0.9^(1/1000)) ≈ 42 exceedances (the tail is fitted, so loosely).
    expect(over).toBeGreaterThan(15);
    expect(over).toBeLessThan(100);
    expect(c.score(0)).toBeLessThan(1e-100);
    const plain = TailCalibrator.fromJSON({ ...(c.toJSON() as object), params: { ...c.params, horizon: 1 } });
    expect(c.score(3)).toBeCloseTo(plain.score(3) ** 1_000, 10);
  });

  it('scores 0 while warming up and follows a change of level within two generations', () => {
    const c = tailCalibrator({ generation: 2_000, warmup: 500 })();
    feed(c, normal(499));
    expect(c.score(10)).toBe(0);
    feed(c, normal(4_000));
    expect(c.score(12)).toBeGreaterThan(0.999);
    feed(
      c,
      normal(5_000).map((x) => 10 + x),
    );
    expect(Math.abs(c.score(10) - 0.5)).toBeLessThan(0.05);
  });

  it('does not learn a burst of extreme values (an anomaly must not become normal)', () => {
    const c = tailCalibrator({ generation: 10_000 })();
    feed(c, normal(10_000));
    const before = c.tailProbability(6);
    feed(c, new Array(300).fill(50));
    expect(c.tailProbability(6)).toBeCloseTo(before, 6);
    expect(c.score(50)).toBeGreaterThan(0.999);
  });

  it('round-trips through JSON and rejects inconsistent parameters', () => {
    const c = tailCalibrator()();
    feed(c, normal(12_345));
    const back = TailCalibrator.fromJSON(JSON.parse(JSON.stringify(c.toJSON())));
    for (const x of [-2, 0, 1.3, 3, 8]) expect(back.score(x)).toBe(c.score(x));
    expect(() => tailCalibrator({ tailFrom: 0.999 })).toThrow(ConfigError);
    expect(() => tailCalibrator({ horizon: 0 })).toThrow(ConfigError);
    expect(tailCalibratorDefaults.horizon).toBe(1);
  });
});

describe('scoreDetectors - per-key calibrators', () => {
  /** Raw score = the first feature; no state. */
  const echo = (): Detector => ({
    name: 'echo',
    features: ['f'],
    score: (x) => x[0]!,
    learn: () => {},
    explain: () => Float64Array.of(1),
    toJSON: () => ({}),
  });
  const frame = (key: string, v: number, seq: number): FeatureFrame => ({
    seq,
    subject: { key, keyKind: 'venue-symbol', venue: 'v', symbol: key },
    eventId: `e${seq}`,
    eventTime: seq,
    arrivalMs: 0,
    names: ['f'],
    values: Float64Array.of(v),
    mid: Number.NaN,
  });

  it('each key is calibrated on its own history, so one threshold means the same on both', async () => {
    const frames: FeatureFrame[] = [];
    // Key A's raw scores are 1000 times key B's: a fixed map could not serve both.
    for (let i = 0; i < 4_000; i++) {
      const u = rng.next();
      frames.push(frame('A', 1000 * u, 2 * i), frame('B', u, 2 * i + 1));
    }
    frames.push(
      frame('A', 500, 9_000),
      frame('B', 0.5, 9_001),
      frame('A', 990, 9_002),
      frame('B', 0.99, 9_003),
    );
    const slot = {
      name: 'echo',
      keyKind: 'venue-symbol' as const,
      perKey: false,
      create: echo,
      calibrate: () => 0,
      createCalibrator: tailCalibrator({ warmup: 100 }),
      explainAbove: 2,
    };
    const out = await lastValueFrom(from(frames).pipe(scoreDetectors([slot]), toArray()));
    const last = out.slice(-4).map((s) => s.scores[0]!);
    expect(Math.abs(last[0]!.score - 0.5)).toBeLessThan(0.03);
    expect(Math.abs(last[1]!.score - 0.5)).toBeLessThan(0.03);
    expect(Math.abs(last[2]!.score - last[3]!.score)).toBeLessThan(0.01);
    expect(last[2]!.raw).toBe(990);
  });
});
