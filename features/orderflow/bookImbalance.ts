import type { Feature, FeatureState } from '../feature.ts';

type Params = Record<string, never>;

/** Quantity imbalance at the best bid and ask. */
export const bookImbalance: Feature<Params> = {
  name: 'book_imbalance_touch',
  family: 'order-flow',
  unit: 'ratio in [-1, 1]',
  description: 'Best-bid size minus best-ask size, over their sum, after each book change.',
  formula: '(q_bid0 - q_ask0) / (q_bid0 + q_ask0)',
  window: 'instantaneous (the book after the event)',
  reveals: 'spoofing: a large resting order that leans the touch without trading',
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
      const b = book.bidQty(0);
      const a = book.askQty(0);
      v = b + a > 0 ? (b - a) / (b + a) : Number.NaN;
    },
    value: () => (Number.isNaN(v) ? undefined : v),
    toJSON: () => (Number.isNaN(v) ? null : v),
  };
}
