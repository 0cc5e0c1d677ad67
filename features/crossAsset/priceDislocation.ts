import type { FeatureState } from '../feature.ts';
import { RollingMoments } from '../stats/rollingMoments.ts';
import type { CrossFeature, CrossInput } from './crossFeature.ts';

type Params = { windowMs: number };

/** How far the basis between two venues is from its own recent mean: a venue dislocating. */
export const priceDislocation: CrossFeature<Params> = {
  name: 'price_dislocation',
  family: 'cross-asset',
  unit: 'bps',
  description: 'Basis between venues minus its rolling mean (including the current sample).',
  formula: 'basis_k - mean(basis) over samples in (t - W, t], basis = ln(p_a / p_b) * 1e4',
  window: 'sliding, windowMs (default 5 min)',
  reveals: 'one venue pushed away from the others: cross-venue manipulation, a broken feed, a local squeeze',
  keyKind: 'asset-pair',
  pairKinds: ['cross-venue'],
  inputs: ['book', 'ticker', 'trade'],
  defaults: { windowMs: 300_000 },
  create(params) {
    const p = { ...this.defaults, ...params };
    return state(p, new RollingMoments(p.windowMs), Number.NaN);
  },
  restore(json, params) {
    const p = { ...this.defaults, ...params };
    const j = json as { m: unknown; v: number | null };
    return state(p, RollingMoments.fromJSON(j.m, p.windowMs), j.v ?? Number.NaN);
  },
};

function state(p: Params, m: RollingMoments, last: number): FeatureState<CrossInput> {
  return {
    update(x) {
      const b = Math.log(x.a / x.b) * 1e4;
      if (!Number.isFinite(b)) return;
      last = b;
      m.add(x.eventTime, b);
    },
    value: () => (m.age >= p.windowMs && m.count > 0 ? last - m.mean : undefined),
    toJSON: () => ({ m: m.toJSON(), v: Number.isNaN(last) ? null : last }),
  };
}
