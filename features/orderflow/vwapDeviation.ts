import type { Feature, FeatureState } from '../feature.ts';
import { RollingSums } from '../stats/rollingSums.ts';

type Params = { windowMs: number; warmupMs: number };

/** How far the fair price (mid, or last trade) is from the volume-weighted average trade price. */
export const vwapDeviation: Feature<Params> = {
  name: 'vwap_deviation',
  family: 'order-flow',
  unit: 'bps',
  description: 'Fair price relative to the rolling VWAP of trades.',
  formula: '(fair / VWAP - 1) * 1e4, VWAP = sum p_i q_i / sum q_i over trades in (t - W, t]',
  window: 'sliding, windowMs (default 60 s)',
  reveals: 'marking the close and price pushes away from where volume actually traded',
  keyKind: 'venue-symbol',
  inputs: ['trade', 'book', 'ticker'],
  defaults: { windowMs: 60_000, warmupMs: 60_000 },
  create(params) {
    const p = { ...this.defaults, ...params };
    return state(p, new RollingSums(p.windowMs, 2), Number.NaN);
  },
  restore(json, params) {
    const p = { ...this.defaults, ...params };
    const j = json as { s: unknown; f: number | null };
    return state(p, RollingSums.fromJSON(j.s, p.windowMs, 2), j.f ?? Number.NaN);
  },
};

function state(p: Params, sums: RollingSums, fair: number): FeatureState {
  return {
    update({ event, book }) {
      if (event.type === 'trade') sums.add(event.eventTime, event.price * event.quantity, event.quantity);
      else sums.advance(event.eventTime);
      const f = book.fairPrice();
      if (f > 0) fair = f;
    },
    value() {
      if (sums.age < p.warmupMs || !(fair > 0)) return undefined;
      const q = sums.sum(1);
      if (!(q > 0)) return undefined;
      return (fair / (sums.sum(0) / q) - 1) * 1e4;
    },
    toJSON: () => ({ s: sums.toJSON(), f: Number.isNaN(fair) ? null : fair }),
  };
}
