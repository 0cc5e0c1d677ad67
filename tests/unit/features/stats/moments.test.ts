import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RollingCovariance } from '../../../../features/stats/rollingCovariance.ts';
import { RollingMoments } from '../../../../features/stats/rollingMoments.ts';
import { Welford } from '../../../../features/stats/welford.ts';

const xs = fc.array(fc.double({ min: -1e4, max: 1e4, noNaN: true }), { minLength: 2, maxLength: 80 });
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const variance = (v: number[]) => v.reduce((a, x) => a + (x - mean(v)) ** 2, 0) / (v.length - 1);

describe('stats/welford - running mean and variance', () => {
  it('matches the two-pass result, and merge equals one pass over both', () =>
    fc.assert(
      fc.property(xs, xs, (a, b) => {
        const w = new Welford();
        a.forEach((x) => w.add(x));
        expect(w.mean).toBeCloseTo(mean(a), 6);
        expect(Math.abs(w.variance() - variance(a))).toBeLessThanOrEqual(1e-7 * Math.max(1, variance(a)));
        const w2 = new Welford();
        b.forEach((x) => w2.add(x));
        w.merge(w2);
        expect(Math.abs(w.variance() - variance([...a, ...b]))).toBeLessThanOrEqual(
          1e-7 * Math.max(1, variance([...a, ...b])),
        );
      }),
    ));

  it('remove undoes add', () => {
    const w = new Welford();
    [3, 5, 7, 100].forEach((x) => w.add(x));
    w.remove(100);
    expect(w.n).toBe(3);
    expect(w.mean).toBeCloseTo(5, 12);
    expect(w.variance()).toBeCloseTo(4, 10);
  });

  it('is stable where the textbook sum of squares fails (large offset, tiny spread)', () => {
    const w = new Welford();
    const v = [1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16];
    v.forEach((x) => w.add(x));
    expect(w.variance()).toBeCloseTo(30, 6);
  });
});

describe('stats/rollingMoments - sliding mean and variance in event time', () => {
  it('matches a naive recomputation over (now - W, now] after every value, late ones included', () =>
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            t: fc.integer({ min: 0, max: 20_000 }),
            x: fc.double({ min: -1e3, max: 1e3, noNaN: true }),
          }),
          { maxLength: 120 },
        ),
        (rs) => {
          const m = new RollingMoments(3_000);
          const seen: { t: number; x: number }[] = [];
          for (const r of rs) {
            m.add(r.t, r.x);
            seen.push(r);
            const now = Math.max(...seen.map((q) => q.t));
            const w = seen.filter((q) => q.t > now - 3_000).map((q) => q.x);
            expect(m.count).toBe(w.length);
            if (w.length > 0) expect(Math.abs(m.mean - mean(w))).toBeLessThanOrEqual(1e-9 * 1e3);
            if (w.length > 1)
              expect(Math.abs(m.variance() - variance(w))).toBeLessThanOrEqual(
                1e-7 * Math.max(1, variance(w)) + 1e-6,
              );
          }
        },
      ),
    ));

  it('keeps the variance of a window of near-equal large values', () => {
    const m = new RollingMoments(10);
    for (let t = 0; t < 100_000; t++) m.add(t, 1e8 + (t % 2) * 1e-3);
    expect(m.variance()).toBeCloseTo(0.25e-6 * (10 / 9), 9);
  });
});

describe('stats/rollingCovariance - correlation of the last N pairs', () => {
  it('matches the naive Pearson correlation of the last N pairs', () =>
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true })),
          { minLength: 2, maxLength: 100 },
        ),
        (ps) => {
          const c = new RollingCovariance(7);
          ps.forEach(([x, y]) => c.add(x, y));
          const w = ps.slice(-7);
          const x = w.map((p) => p[0]);
          const y = w.map((p) => p[1]);
          const mx = mean(x);
          const my = mean(y);
          const sxy = w.reduce((a, [u, v]) => a + (u - mx) * (v - my), 0);
          expect(Math.abs(c.covariance() - sxy / (w.length - 1))).toBeLessThanOrEqual(1e-9);
          const d = Math.sqrt(
            x.reduce((a, u) => a + (u - mx) ** 2, 0) * y.reduce((a, v) => a + (v - my) ** 2, 0),
          );
          // A leg whose window once held a large value keeps an absolute error of ~1e-17 in its sum of
          // squares after removing it; divided by d (down to 1e-6 here) that grows,
          // so the tolerance scales with 1/d for nearly constant legs (seed 2083340984 found it).
          if (d > 1e-6) expect(Math.abs(c.correlation() - sxy / d)).toBeLessThanOrEqual(1e-9 + 1e-11 / d);
        },
      ),
    ));

  it('is NaN for a constant leg and clamps to [-1, 1]', () => {
    const c = new RollingCovariance(3);
    [1, 1, 1].forEach((x, i) => c.add(x, i));
    expect(c.correlation()).toBeNaN();
    const d = new RollingCovariance(3);
    [1, 2, 3, 4].forEach((x) => d.add(x, 2 * x));
    expect(d.correlation()).toBeCloseTo(1, 12);
    expect(d.correlation()).toBeLessThanOrEqual(1);
  });
});
