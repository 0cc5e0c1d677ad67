import type { Feature, FeatureState } from '../feature.ts';
import { RollingSums } from '../stats/rollingSums.ts';

type Params = { windowMs: number; warmupMs: number };

/** Aggressor volume imbalance: +1 all taker buys, -1 all taker sells, over a sliding window. */
export const takerImbalance: Feature<Params> = {
  name: 'taker_imbalance',
  family: 'order-flow',
  unit: 'ratio in [-1, 1]',
  description: 'Taker buy volume minus taker sell volume, over their sum.',
  formula: '(sum q_buy - sum q_sell) / (sum q_buy + sum q_sell) over trades in (t - W, t]; 0 without trades',
  window: 'sliding, windowMs (default 10 s)',
  reveals: 'one-sided aggression of pumps, dumps and momentum ignition',
  keyKind: 'venue-symbol',
  inputs: ['trade'],
  defaults: { windowMs: 10_000, warmupMs: 10_000 },
  create(params) {
    const p = { ...this.defaults, ...params };
    return state(p, new RollingSums(p.windowMs, 2));
  },
  restore(json, params) {
    const p = { ...this.defaults, ...params };
    return state(p, RollingSums.fromJSON(json, p.windowMs, 2));
  },
};

function state(p: Params, sums: RollingSums): FeatureState {
  return {
    update({ event }) {
      if (event.type !== 'trade') return;
      const q = event.quantity;
      sums.add(event.eventTime, event.takerSide === 'buy' ? q : -q, q);
    },
    value() {
      if (Number.isNaN(sums.now) || sums.age < p.warmupMs) return undefined;
      const total = sums.sum(1);
      return total > 0 ? sums.sum(0) / total : 0;
    },
    toJSON: () => sums.toJSON(),
  };
}
