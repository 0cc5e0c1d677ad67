import { spreadBps } from '../book/depth.ts';
import type { Feature, FeatureState } from '../feature.ts';

type Params = Record<string, never>;

/** The quoted spread in basis points of the mid. */
export const quotedSpread: Feature<Params> = {
  name: 'quoted_spread',
  family: 'order-flow',
  unit: 'bps',
  description: 'Best ask minus best bid, relative to the mid, after each book change.',
  formula: '(ask0 - bid0) / ((ask0 + bid0) / 2) * 1e4',
  window: 'instantaneous (the book after the event)',
  reveals: 'liquidity withdrawal before a crash; quotes pulled by a manipulator',
  keyKind: 'venue-symbol',
  inputs: ['book', 'ticker'],
  defaults: {},
  create() {
    return state(Number.NaN);
  },
  restore(json) {
    return state((json as number | null) ?? Number.NaN);
  },
};

function state(v: number): FeatureState {
  return {
    update({ book }) {
      v = spreadBps(book);
    },
    value: () => (Number.isNaN(v) ? undefined : v),
    toJSON: () => (Number.isNaN(v) ? null : v),
  };
}
