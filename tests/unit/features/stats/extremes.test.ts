import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MonotonicDeque } from '../../../../features/stats/monotonicDeque.ts';
import { P2Quantiles } from '../../../../features/stats/p2Quantiles.ts';
import { createRng } from '../../../../core/rng.ts';

describe('stats/monotonicDeque - rolling max and min in event time', () => {
  it('equals the naive extreme over (now - W, now] after every value, late values included', () =>
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ t: fc.integer({ min: 0, max: 10_000 }), x: fc.integer({ min: -50, max: 50 }) }),
          { maxLength: 150 },
        ),
        fc.constantFrom<'max' | 'min'>('max', 'min'),
        (rs, mode) => {
          const d = new MonotonicDeque(1_500, mode);
          const seen: { t: number; x: number }[] = [];
          for (const r of rs) {
            d.add(r.t, r.x);
            seen.push(r);
            const now = Math.max(...seen.map((q) => q.t));
            const w = seen.filter((q) => q.t > now - 1_500).map((q) => q.x);
            const want = w.length === 0 ? NaN : mode === 'max' ? Math.max(...w) : Math.min(...w);
            expect(d.extreme).toEqual(want);
            expect(d.size).toBeLessThanOrEqual(w.length);
          }
          const r2 = MonotonicDeque.fromJSON(JSON.parse(JSON.stringify(d.toJSON())), 1_500, mode);
          expect(r2.extreme).toEqual(d.extreme);
        },
      ),
    ));
});

describe('stats/p2Quantiles - streaming quantiles in O(1) memory', () => {
  it('is exact for up to five values', () => {
    const q = new P2Quantiles([0.5]);
    [5, 1, 3].forEach((x) => q.add(x));
    expect(q.quantile(0.5)).toBe(3);
  });

  it.each([0.5, 0.9, 0.99])(
    'estimates the %s quantile of 20,000 normal values within 2%% of the spread',
    (p) => {
      const rng = createRng(7);
      const q = new P2Quantiles([p]);
      const xs: number[] = [];
      for (let i = 0; i < 20_000; i++) {
        const x = rng.normal();
        xs.push(x);
        q.add(x);
      }
      xs.sort((a, b) => a - b);
      const exact = xs[Math.floor(p * (xs.length - 1))]!;
      expect(Math.abs(q.quantile(p) - exact)).toBeLessThan(0.02 * (xs.at(-1)! - xs[0]!));
      const r = P2Quantiles.fromJSON(JSON.parse(JSON.stringify(q.toJSON())));
      r.add(0);
      q.add(0);
      expect(r.quantile(p)).toBe(q.quantile(p));
    },
  );
});
