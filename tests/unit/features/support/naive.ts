import fc from 'fast-check';
import type { Feature } from '../../../../features/feature.ts';
import type { InputEvent } from '../../../../schemas/event.ts';
import { close, marketStream, runMarket, type Step } from './marketStream.ts';

/**
 * Checks a feature against a naive full recomputation after every event of random streams;
 * returns how many comparisons had a defined value (past warm-up).
 */
export function checkAgainstNaive<P extends object>(
  feature: Feature<P>,
  naive: (steps: readonly Step[], p: P) => number | undefined,
  {
    params,
    tol = 1e-9,
    abs = 0,
    numRuns = 150,
    stream = marketStream(),
  }: {
    params?: Partial<P>;
    tol?: number;
    /** Absolute slack, for statistics whose rounding error scales with the data, not the result. */
    abs?: number;
    numRuns?: number;
    stream?: fc.Arbitrary<InputEvent[]>;
  } = {},
): number {
  const p = { ...feature.defaults, ...params } as P;
  let defined = 0;
  fc.assert(
    fc.property(stream, (events) => {
      const { values, steps } = runMarket(feature, events, params);
      for (let k = 0; k < values.length; k++) {
        const want = naive(steps.slice(0, k + 1), p);
        if (!close(values[k], want, tol, abs))
          throw new Error(`after event ${k} (${steps[k]!.event.type}): feature ${values[k]}, naive ${want}`);
        if (want !== undefined) defined++;
      }
    }),
    { numRuns, seed: 20240808 },
  );
  // The caller checks this is positive: the property must not hold vacuously.
  return defined;
}

export const maxTime = (steps: readonly Step[]): number => Math.max(...steps.map((s) => s.event.eventTime));
export const minTime = (steps: readonly Step[]): number => Math.min(...steps.map((s) => s.event.eventTime));

/** Decayed weight of an event at t_i seen from time t. */
export const decay = (t: number, ti: number, halfLifeMs: number): number =>
  Math.pow(0.5, (t - ti) / halfLifeMs);

/** Naive DecayingRate: count at t, and events per second with the warm-up span. */
export function naiveRate(times: readonly number[], weights: readonly number[], h: number) {
  if (times.length === 0) return { last: NaN, first: NaN, count: 0, rate: 0, age: 0 };
  const last = Math.max(...times);
  const first = Math.min(...times);
  let count = 0;
  times.forEach((t, i) => (count += weights[i]! * decay(last, t, h)));
  const span = Math.min(h / Math.LN2, Math.max(1, last - first + 1));
  return { last, first, count, rate: (count / span) * 1000, age: last - first };
}

export const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
export function sampleStd(xs: readonly number[]): number {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) * (x - m), 0) / (xs.length - 1));
}
export function pearson(xs: readonly number[], ys: readonly number[]): number {
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
    syy += (ys[i]! - my) ** 2;
  }
  const d = Math.sqrt(sxx * syy);
  return d > 0 ? Math.max(-1, Math.min(1, sxy / d)) : NaN;
}

/** Naive event-time EWMA (weights relative to the newest time) over (x, t) in processing order. */
export function naiveTimeEwma(xs: readonly number[], ts: readonly number[], h: number) {
  if (xs.length === 0) return { mean: 0, count: 0 };
  const last = Math.max(...ts);
  let w = 0;
  let s = 0;
  xs.forEach((x, i) => {
    const wi = decay(last, ts[i]!, h);
    w += wi;
    s += wi * x;
  });
  return { mean: s / w, count: w };
}
