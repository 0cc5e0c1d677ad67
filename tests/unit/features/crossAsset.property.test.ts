import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { basis } from '../../../features/crossAsset/basis.ts';
import { correlationBreak } from '../../../features/crossAsset/correlationBreak.ts';
import type { CrossFeature, CrossInput } from '../../../features/crossAsset/crossFeature.ts';
import { leadLag } from '../../../features/crossAsset/leadLag.ts';
import { priceDislocation } from '../../../features/crossAsset/priceDislocation.ts';
import { rollingCorrelation } from '../../../features/crossAsset/rollingCorrelation.ts';
import { signComovement } from '../../../features/crossAsset/signComovement.ts';
import { close } from './support/marketStream.ts';
import { mean, pearson } from './support/naive.ts';

/** Pair samples on a 500 ms grid (with gaps): two correlated random walks. */
const pairStream = fc
  .array(
    fc.record({
      gap: fc.integer({ min: 1, max: 3 }),
      da: fc.integer({ min: -5, max: 5 }),
      db: fc.integer({ min: -5, max: 5 }),
      c: fc.boolean(),
    }),
    { minLength: 1, maxLength: 60 },
  )
  .map((raw) => {
    let t = 1_700_000_000_000;
    let a = 100;
    let b = 50;
    return raw.map((r): CrossInput => {
      t += 500 * r.gap;
      a *= 1 + r.da * 1e-4;
      b *= 1 + (r.c ? r.da : r.db) * 1e-4;
      return { key: 'pair:x|y', kind: 'cross-venue', eventTime: t, a, b };
    });
  });

function check<P extends object>(
  f: CrossFeature<P>,
  naive: (xs: readonly CrossInput[], p: P) => number | undefined,
  params: Partial<P> = {},
  tol = 1e-9,
): number {
  const p = { ...f.defaults, ...params } as P;
  let defined = 0;
  fc.assert(
    fc.property(pairStream, (xs) => {
      const st = f.create(params);
      xs.forEach((x, k) => {
        st.update(x);
        const want = naive(xs.slice(0, k + 1), p);
        if (!close(st.value(), want, tol))
          throw new Error(`after sample ${k}: feature ${st.value()}, naive ${want}`);
        if (want !== undefined) defined++;
      });
    }),
    { numRuns: 150, seed: 20240809 },
  );
  return defined;
}

const returns = (xs: readonly CrossInput[]) =>
  xs.slice(1).map((x, i) => [Math.log(x.a / xs[i]!.a), Math.log(x.b / xs[i]!.b)] as const);

describe('cross-asset features - match a naive full recomputation on random pair streams', () => {
  it('correlation (rolling Pearson of grid returns)', () =>
    expect(
      check(
        rollingCorrelation('c', 8, 'test'),
        (xs, p) => {
          const r = returns(xs).slice(-p.windowSamples);
          if (r.length < p.windowSamples) return undefined;
          const c = pearson(
            r.map((x) => x[0]),
            r.map((x) => x[1]),
          );
          return Number.isNaN(c) ? undefined : c;
        },
        {},
        1e-7,
      ),
    ).toBeGreaterThan(0));

  it('correlation_break (Fisher z against its exponentially weighted history)', () =>
    expect(
      check(
        correlationBreak,
        (xs, p) => {
          const r = returns(xs);
          const zs: number[] = [];
          let score: number | undefined;
          const alpha = 1 - Math.pow(0.5, 1 / p.halfLifeSamples);
          for (let k = p.windowSamples; k <= r.length; k++) {
            const w = r.slice(k - p.windowSamples, k);
            const c = pearson(
              w.map((x) => x[0]),
              w.map((x) => x[1]),
            );
            if (Number.isNaN(c)) continue;
            const z = Math.atanh(Math.max(-0.999, Math.min(0.999, c)));
            if (zs.length >= p.minHistory) {
              const n = zs.length;
              const wt = zs.map((_, i) =>
                i === 0 ? Math.pow(1 - alpha, n - 1) : alpha * Math.pow(1 - alpha, n - 1 - i),
              );
              const m = zs.reduce((s, x, i) => s + wt[i]! * x, 0);
              const v = zs.reduce((s, x, i) => s + wt[i]! * (x - m) ** 2, 0);
              score = (z - m) / Math.max(Math.sqrt(v), p.floor);
            } else score = undefined;
            zs.push(z);
          }
          return score;
        },
        { windowSamples: 6, halfLifeSamples: 5, minHistory: 4 },
        1e-6,
      ),
    ).toBeGreaterThan(0));

  it('lead_lag (lagged correlation A→B minus B→A)', () =>
    expect(
      check(
        leadLag,
        (xs, p) => {
          const r = returns(xs);
          const ab: [number, number][] = [];
          const ba: [number, number][] = [];
          for (let k = p.lag; k < r.length; k++) {
            ab.push([r[k - p.lag]![0], r[k]![1]]);
            ba.push([r[k]![0], r[k - p.lag]![1]]);
          }
          if (ab.length < p.windowSamples) return undefined;
          const w1 = ab.slice(-p.windowSamples);
          const w2 = ba.slice(-p.windowSamples);
          const x = pearson(
            w1.map((q) => q[0]),
            w1.map((q) => q[1]),
          );
          const y = pearson(
            w2.map((q) => q[0]),
            w2.map((q) => q[1]),
          );
          return Number.isNaN(x) || Number.isNaN(y) ? undefined : x - y;
        },
        { windowSamples: 8, lag: 2 },
        1e-7,
      ),
    ).toBeGreaterThan(0));

  it('sign_comovement (same-direction steps against opposite ones, as a z-score)', () =>
    expect(
      check(
        signComovement,
        (xs, p) => {
          const r = returns(xs).slice(-p.windowSamples);
          if (r.length < p.windowSamples) return undefined;
          const s = r.map(([a, b]) => Math.sign(a) * Math.sign(b));
          const moved = s.filter((x) => x !== 0).length;
          return moved === 0 ? undefined : s.reduce((t, x) => t + x, 0) / Math.sqrt(moved);
        },
        { windowSamples: 8 },
      ),
    ).toBeGreaterThan(0));

  it('basis (log price ratio in bps)', () =>
    expect(check(basis, (xs) => Math.log(xs.at(-1)!.a / xs.at(-1)!.b) * 1e4)).toBeGreaterThan(0));

  it('price_dislocation (basis minus its rolling mean)', () =>
    expect(
      check(
        priceDislocation,
        (xs, p) => {
          const now = Math.max(...xs.map((x) => x.eventTime));
          if (now - xs[0]!.eventTime < p.windowMs) return undefined;
          const b = xs.filter((x) => x.eventTime > now - p.windowMs).map((x) => Math.log(x.a / x.b) * 1e4);
          return Math.log(xs.at(-1)!.a / xs.at(-1)!.b) * 1e4 - mean(b);
        },
        { windowMs: 5_000 },
        1e-7,
      ),
    ).toBeGreaterThan(0));
});
