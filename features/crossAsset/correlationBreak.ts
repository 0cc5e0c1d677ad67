import type { FeatureState } from '../feature.ts';
import { EwmVariance } from '../stats/ewmVariance.ts';
import { RollingCovariance } from '../stats/rollingCovariance.ts';
import type { CrossFeature, CrossInput } from './crossFeature.ts';
import { PairReturns } from './rollingCorrelation.ts';

type Params = { windowSamples: number; halfLifeSamples: number; minHistory: number; floor: number };

/**
 * How far the short-window correlation has moved from its own history: the Fisher transform of
 * the rolling correlation, as a z-score against its exponentially weighted mean and deviation
 * (taken before the current value is learnt).
 */
export const correlationBreak: CrossFeature<Params> = {
  name: 'correlation_break',
  family: 'cross-asset',
  unit: 'z-score',
  description: 'Change of the 1-minute return correlation against its own history.',
  formula:
    '(z_k - EWM mean(z)) / max(EWM std(z), floor), z = atanh(clamp(corr_N, ±0.999)), EWM over past z with half-life H samples',
  window:
    'corr over windowSamples (120 = 1 min); history exponential, half-life halfLifeSamples (1200 = 10 min)',
  reveals:
    'a sudden decoupling or coupling of two markets: manipulation of one leg, a broken arbitrage, contagion',
  keyKind: 'asset-pair',
  pairKinds: ['cross-asset', 'cross-venue'],
  inputs: ['book', 'ticker', 'trade'],
  defaults: { windowSamples: 120, halfLifeSamples: 1_200, minHistory: 120, floor: 0.05 },
  create(params) {
    const p = { ...this.defaults, ...params };
    return state(p, new PairReturns(), new RollingCovariance(p.windowSamples), ewm(p), Number.NaN);
  },
  restore(json, params) {
    const p = { ...this.defaults, ...params };
    const j = json as { r: unknown; c: unknown; e: unknown; v: number | null };
    return state(
      p,
      PairReturns.fromJSON(j.r),
      RollingCovariance.fromJSON(j.c, p.windowSamples),
      EwmVariance.fromJSON(j.e, 1 - Math.pow(0.5, 1 / p.halfLifeSamples)),
      j.v ?? Number.NaN,
    );
  },
};

const ewm = (p: Params) => new EwmVariance(1 - Math.pow(0.5, 1 / p.halfLifeSamples));

function state(
  p: Params,
  r: PairReturns,
  cov: RollingCovariance,
  hist: EwmVariance,
  score: number,
): FeatureState<CrossInput> {
  return {
    update(x) {
      r.update(x);
      if (!(Number.isFinite(r.ra) && Number.isFinite(r.rb))) return;
      cov.add(r.ra, r.rb);
      if (!cov.full) return;
      const c = cov.correlation();
      if (Number.isNaN(c)) return;
      const z = Math.atanh(Math.max(-0.999, Math.min(0.999, c)));
      score = hist.count >= p.minHistory ? (z - hist.mean) / Math.max(hist.std(), p.floor) : Number.NaN;
      hist.add(z);
    },
    value: () => (Number.isNaN(score) ? undefined : score),
    toJSON: () => ({
      r: r.toJSON(),
      c: cov.toJSON(),
      e: hist.toJSON(),
      v: Number.isNaN(score) ? null : score,
    }),
  };
}
