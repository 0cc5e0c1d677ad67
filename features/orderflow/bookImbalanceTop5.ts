import { depthSum } from '../book/depth.ts';
import type { Feature, FeatureState } from '../feature.ts';

type Params = { levels: number };

/** Quantity imbalance over the best `levels` levels of each side. */
export const bookImbalanceTop5: Feature<Params> = {
  name: 'book_imbalance_top5',
  family: 'order-flow',
  unit: 'ratio in [-1, 1]',
  description: 'Bid depth minus ask depth over the top levels, over their sum.',
  formula: '(sum_{i<5} q_bid_i - sum_{i<5} q_ask_i) / (sum_{i<5} q_bid_i + sum_{i<5} q_ask_i)',
  window: 'instantaneous, top `levels` levels (default 5)',
  reveals: 'layering: stacked orders a few ticks behind the touch leaning the book',
  keyKind: 'venue-symbol',
  inputs: ['book', 'ticker'],
  defaults: { levels: 5 },
  create(params) {
    return state({ ...this.defaults, ...params }, Number.NaN);
  },
  restore(json, params) {
    return state({ ...this.defaults, ...params }, (json as number | null) ?? Number.NaN);
  },
};

function state(p: Params, v: number): FeatureState {
  return {
    update({ book }) {
      const b = depthSum(book, 'bid', p.levels);
      const a = depthSum(book, 'ask', p.levels);
      v = b > 0 && a > 0 ? (b - a) / (b + a) : Number.NaN;
    },
    value: () => (Number.isNaN(v) ? undefined : v),
    toJSON: () => (Number.isNaN(v) ? null : v),
  };
}
