import { erfc } from '../normalTail.ts';

/** ln Φ(z), accurate far into the lower tail (erfc keeps its relative precision there). */
function logNormalCdf(z: number): number {
  return Math.log(0.5 * erfc(-z / Math.SQRT2));
}

/**
 * Probability that a Brownian motion with drift `mu` and volatility `sigma` (per unit time, on log
 * price), starting `distance` above a barrier (distance = ln(price / level) ≥ 0), touches the barrier
 * within time `t`. The reflection principle with drift gives
 *   P = Φ((-b - μt) / (σ√t)) + exp(-2μb / σ²) · Φ((-b + μt) / (σ√t)).
 * The second term is computed in log space: for a downward drift exp(·) is huge and Φ(·) tiny.
 * A distance ≤ 0 means the level is already broken (1); unknown inputs give NaN.
 */
export function firstPassageBelow(distance: number, mu: number, sigma: number, t: number): number {
  if (!Number.isFinite(distance) || !Number.isFinite(mu) || !Number.isFinite(sigma) || !(t > 0))
    return Number.NaN;
  if (distance <= 0) return 1;
  if (!(sigma > 0)) return mu < 0 && -mu * t >= distance ? 1 : 0;
  const s = sigma * Math.sqrt(t);
  const a = Math.exp(logNormalCdf((-distance - mu * t) / s));
  const logB = (-2 * mu * distance) / (sigma * sigma) + logNormalCdf((-distance + mu * t) / s);
  const p = a + (Number.isFinite(logB) ? Math.exp(logB) : 0);
  return Math.min(1, Math.max(0, p));
}
