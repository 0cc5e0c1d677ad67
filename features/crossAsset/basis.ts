import type { FeatureState } from '../feature.ts';
import type { CrossFeature, CrossInput } from './crossFeature.ts';

type Params = Record<string, never>;

/** Log price difference of a derivative (or second venue) against the spot reference, in bps. */
export const basis: CrossFeature<Params> = {
  name: 'basis',
  family: 'cross-asset',
  unit: 'bps',
  description: 'Price of leg A (perpetual) over leg B (spot reference) at the grid sample.',
  formula: 'ln(p_a / p_b) * 1e4',
  window: 'instantaneous (the pair sample)',
  reveals: 'funding squeezes and leveraged pushes on perpetuals; a venue quoting away from the market',
  keyKind: 'asset-pair',
  pairKinds: ['cross-venue'],
  inputs: ['book', 'ticker', 'trade'],
  defaults: {},
  create() {
    return state(Number.NaN);
  },
  restore(json) {
    return state((json as number | null) ?? Number.NaN);
  },
};

function state(v: number): FeatureState<CrossInput> {
  return {
    update(x) {
      v = Math.log(x.a / x.b) * 1e4;
    },
    value: () => (Number.isFinite(v) ? v : undefined),
    toJSON: () => (Number.isFinite(v) ? v : null),
  };
}
