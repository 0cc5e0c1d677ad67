import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NeumaierSum } from '../../../../features/stats/neumaier.ts';
import { RollingSums } from '../../../../features/stats/rollingSums.ts';
import { TimeRing } from '../../../../features/stats/timeRing.ts';

const rows = fc.array(
  fc.record({ t: fc.integer({ min: 0, max: 30_000 }), x: fc.double({ min: -1e6, max: 1e6, noNaN: true }) }),
  { maxLength: 200 },
);

describe('stats/neumaier - compensated sums', () => {
  it('keeps what naive summation loses', () => {
    const s = new NeumaierSum();
    for (const x of [1e100, 1, -1e100]) s.add(x);
    expect(s.value).toBe(1);
    let naive = 0;
    for (const x of [1e100, 1, -1e100]) naive += x;
    expect(naive).toBe(0);
  });

  it('adding then removing a million values returns to zero', () => {
    const s = new NeumaierSum();
    const xs = Array.from({ length: 1_000_000 }, (_, i) => Math.sin(i) * 1e6 + 0.1);
    for (const x of xs) s.add(x);
    for (const x of xs) s.add(-x);
    expect(Math.abs(s.value)).toBeLessThan(1e-6);
  });
});

describe('stats/timeRing - time-ordered rows', () => {
  it('keeps rows sorted by time whatever the insertion order, and grows', () =>
    fc.assert(
      fc.property(rows, (rs) => {
        const r = new TimeRing(2);
        for (const { t, x } of rs) r.insert(t, x, -x);
        const ts = r.toJSON()[0];
        expect(ts).toEqual([...rs.map((q) => q.t)].sort((a, b) => a - b));
        for (let i = 0; i < r.size; i++) expect(r.value(i, 1)).toBe(-r.value(i, 0));
      }),
    ));

  it('refuses to grow past maxRows', () => {
    const r = new TimeRing(1, 2, 4);
    for (let i = 0; i < 4; i++) r.insert(i, i);
    expect(r.full).toBe(true);
    expect(() => r.insert(9, 9)).toThrow(RangeError);
  });
});

describe('stats/rollingSums - sliding sums in event time', () => {
  it('equal the naive sums over (now - W, now] after every row, in any arrival order', () =>
    fc.assert(
      fc.property(rows, (rs) => {
        const s = new RollingSums(5_000, 2);
        const seen: { t: number; x: number }[] = [];
        for (const r of rs) {
          s.add(r.t, r.x, 1);
          seen.push(r);
          const now = Math.max(...seen.map((q) => q.t));
          const w = seen.filter((q) => q.t > now - 5_000);
          const want = w.reduce((a, q) => a + q.x, 0);
          expect(Math.abs(s.sum(0) - want)).toBeLessThanOrEqual(
            1e-9 * Math.max(1, ...w.map((q) => Math.abs(q.x))),
          );
          expect(s.sum(1)).toBe(w.length);
          expect(s.count).toBe(w.length);
        }
      }),
    ));

  it('drops the oldest row at the bound and counts it', () => {
    const s = new RollingSums(1e9, 1, 4);
    for (let i = 0; i < 10; i++) s.add(i, 1);
    expect(s.count).toBe(4);
    expect(s.sum()).toBe(4);
    expect(s.dropped).toBe(6);
  });

  it('does not drift over a long slide of large, cancelling values', () => {
    const s = new RollingSums(100, 1);
    for (let t = 0; t < 200_000; t++) s.add(t, (t % 2 === 0 ? 1e12 : -1e12) + (t % 7));
    const want = Array.from({ length: 100 }, (_, k) => 199_900 + k).reduce(
      (a, t) => a + (t % 2 === 0 ? 1e12 : -1e12) + (t % 7),
      0,
    );
    expect(s.sum()).toBe(want);
  });

  it('survives a JSON round trip', () => {
    const s = new RollingSums(1_000, 2);
    for (let t = 0; t < 50; t++) s.add(t * 37, t, t * t);
    const r = RollingSums.fromJSON(JSON.parse(JSON.stringify(s.toJSON())), 1_000, 2);
    s.add(3_000, 1, 1);
    r.add(3_000, 1, 1);
    expect([r.sum(0), r.sum(1), r.count, r.age]).toEqual([s.sum(0), s.sum(1), s.count, s.age]);
  });
});
