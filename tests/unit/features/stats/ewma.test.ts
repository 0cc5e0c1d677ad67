import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecayingRate, TimeEwma } from '../../../../features/stats/ewma.ts';
import { DecayingSum } from '../../../../features/stats/decayingSum.ts';
import { EwmVariance } from '../../../../features/stats/ewmVariance.ts';

const obs = fc.array(
  fc.record({ x: fc.double({ min: -1e3, max: 1e3, noNaN: true }), t: fc.integer({ min: 0, max: 60_000 }) }),
  {
    minLength: 1,
    maxLength: 60,
  },
);
const near = (a: number, b: number) =>
  expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(b)));

describe('stats/ewma - event-time averages that do not depend on arrival order', () => {
  it('TimeEwma equals the weighted mean with weights 0.5^((T - t_i)/h), in any order', () => {
    expect.hasAssertions();
    fc.assert(
      fc.property(obs, (xs) => {
        const e = new TimeEwma(5_000);
        for (const { x, t } of xs) e.update(x, t);
        const T = Math.max(...xs.map((o) => o.t));
        const w = xs.map((o) => Math.pow(0.5, (T - o.t) / 5_000));
        const W = w.reduce((a, b) => a + b, 0);
        near(e.count, W);
        near(e.value, xs.reduce((a, o, i) => a + w[i]! * o.x, 0) / W);
      }),
    );
  });

  it('DecayingRate counts each event with its own decay and reports events per second', () => {
    const r = new DecayingRate(1_000);
    r.add(10_000);
    r.add(9_000); // late by one half-life: counts one half
    near(r.countAt(10_000), 1.5);
    near(r.countAt(11_000), 0.75);
    // Warm-up: 1 ms of history so far, so the span is 1 ms... capped by h / ln 2 once older.
    expect(r.ageAt(10_000)).toBe(1_000);
    near(r.rateAt(20_000), (1.5 * Math.pow(0.5, 10) * 1000) / (1_000 / Math.LN2));
  });

  it('DecayingSum decays its sum and weights late values by their age', () => {
    const s = new DecayingSum(2_000);
    s.add(8, 4_000);
    s.add(8, 2_000);
    expect(s.valueAt(4_000)).toBeCloseTo(12, 12);
    expect(s.valueAt(6_000)).toBeCloseTo(6, 12);
    expect(DecayingSum.fromJSON(2_000, JSON.parse(JSON.stringify(s.toJSON()))).valueAt(6_000)).toBeCloseTo(
      6,
      12,
    );
  });

  it('EwmVariance equals the exponentially weighted mean and variance of its values', () => {
    expect.hasAssertions();
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 1, maxLength: 40 }),
        (xs) => {
          const a = 0.2;
          const e = new EwmVariance(a);
          xs.forEach((x) => e.add(x));
          const n = xs.length;
          const w = xs.map((_, i) => (i === 0 ? Math.pow(1 - a, n - 1) : a * Math.pow(1 - a, n - 1 - i)));
          const m = xs.reduce((s, x, i) => s + w[i]! * x, 0);
          const v = xs.reduce((s, x, i) => s + w[i]! * (x - m) ** 2, 0);
          expect(Math.abs(e.mean - m)).toBeLessThanOrEqual(1e-9 * 100);
          expect(Math.abs(e.variance - v)).toBeLessThanOrEqual(1e-8 * 1e4);
        },
      ),
    );
  });
});
