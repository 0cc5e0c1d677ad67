import { createRng, type Rng } from '../core/rng.ts';

/** Poisson count with mean `lambda` (Knuth for small means, a rounded normal above 30). */
export function poisson(rng: Rng, lambda: number): number {
  if (!(lambda > 0)) return 0;
  if (lambda > 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * rng.normal()));
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = rng.next();
  while (p > limit) {
    k++;
    p *= rng.next();
  }
  return k;
}

/** Pareto with minimum `xm` and tail exponent `alpha`: P(X > x) = (xm / x)^alpha. */
export function pareto(rng: Rng, xm: number, alpha: number): number {
  return xm / Math.pow(1 - rng.next(), 1 / alpha);
}

/** Log-normal with median `median` and log-scale deviation `sigma`. */
export function logNormal(rng: Rng, median: number, sigma: number): number {
  return median * Math.exp(sigma * rng.normal());
}

/** Exponential with mean `mean`. */
export function exponential(rng: Rng, mean: number): number {
  return -Math.log(1 - rng.next()) * mean;
}

/** `n` sorted uniform times in [from, from + span), whole milliseconds. */
export function sortedTimes(rng: Rng, n: number, from: number, span: number): number[] {
  const ts = new Array<number>(n);
  for (let i = 0; i < n; i++) ts[i] = from + Math.floor(rng.next() * span);
  return ts.sort((a, b) => a - b);
}

/** A hex string of `n` digits, e.g. for addresses and transaction hashes. */
export function hex(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += '0123456789abcdef'[rng.int(16)];
  return s;
}

/** Rounds to 8 decimals, as venues print prices and quantities. */
export const round8 = (x: number): number => Math.round(x * 1e8) / 1e8;

/**
 * An independent generator for one part of a simulation (a book, the chain, a scenario), derived
 * from the run's seed and the part's name: adding a scenario leaves every other stream unchanged.
 */
export function streamRng(seed: number, label: string): Rng {
  let h = 0x811c9dc5 ^ Math.imul(seed | 0, 0x9e3779b1);
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
  return createRng(h | 0);
}
