import type { FeatureState } from '../feature.ts';
import { RollingCovariance } from '../stats/rollingCovariance.ts';
import type { CrossFeature, CrossInput } from './crossFeature.ts';
import { PairReturns } from './rollingCorrelation.ts';

type Params = { windowSamples: number; lag: number };

/**
 * Which leg moves first: the correlation of A's returns with B's returns `lag` samples later,
 * minus the reverse. Positive when A leads (price discovery on A), negative when B leads.
 */
export const leadLag: CrossFeature<Params> = {
  name: 'lead_lag',
  family: 'cross-asset',
  unit: 'correlation difference in [-2, 2]',
  description: 'Lagged return correlation A→B minus B→A.',
  formula: 'corr(r_a[k - L], r_b[k]) - corr(r_a[k], r_b[k - L]) over the last N grid samples',
  window: 'sliding, windowSamples (600 = 5 min at 500 ms), lag L samples (default 1)',
  reveals:
    'a shift of price leadership: one venue or asset being pushed to drag the other (cross-market manipulation)',
  keyKind: 'asset-pair',
  pairKinds: ['cross-asset', 'cross-venue'],
  inputs: ['book', 'ticker', 'trade'],
  defaults: { windowSamples: 600, lag: 1 },
  create(params) {
    const p = { ...this.defaults, ...params };
    return state(
      p,
      new PairReturns(),
      [],
      [],
      new RollingCovariance(p.windowSamples),
      new RollingCovariance(p.windowSamples),
    );
  },
  restore(json, params) {
    const p = { ...this.defaults, ...params };
    const j = json as { r: unknown; ha: number[]; hb: number[]; ab: unknown; ba: unknown };
    return state(
      p,
      PairReturns.fromJSON(j.r),
      j.ha,
      j.hb,
      RollingCovariance.fromJSON(j.ab, p.windowSamples),
      RollingCovariance.fromJSON(j.ba, p.windowSamples),
    );
  },
};

function state(
  p: Params,
  r: PairReturns,
  histA: number[],
  histB: number[],
  ab: RollingCovariance,
  ba: RollingCovariance,
): FeatureState<CrossInput> {
  // The last `lag` returns of each leg, oldest first, in a fixed ring.
  const ringA = new Float64Array(p.lag);
  const ringB = new Float64Array(p.lag);
  let n = Math.min(histA.length, p.lag);
  let head = 0;
  for (let i = 0; i < n; i++) {
    ringA[i] = histA[histA.length - n + i]!;
    ringB[i] = histB[histB.length - n + i]!;
  }
  return {
    update(x) {
      r.update(x);
      if (!(Number.isFinite(r.ra) && Number.isFinite(r.rb))) return;
      if (n === p.lag) {
        ab.add(ringA[head]!, r.rb);
        ba.add(r.ra, ringB[head]!);
        ringA[head] = r.ra;
        ringB[head] = r.rb;
        head = (head + 1) % p.lag;
      } else {
        ringA[n] = r.ra;
        ringB[n] = r.rb;
        n++;
      }
    },
    value() {
      if (!ab.full) return undefined;
      const x = ab.correlation();
      const y = ba.correlation();
      return Number.isNaN(x) || Number.isNaN(y) ? undefined : x - y;
    },
    toJSON: () => {
      const ha: number[] = [];
      const hb: number[] = [];
      for (let i = 0; i < n; i++) {
        ha.push(ringA[(head + i) % p.lag]!);
        hb.push(ringB[(head + i) % p.lag]!);
      }
      return { r: r.toJSON(), ha, hb, ab: ab.toJSON(), ba: ba.toJSON() };
    },
  };
}
