import type { Feature, FeatureState } from '../feature.ts';
import { DecayingRate } from '../stats/ewma.ts';

type Params = { halfLifeMs: number; warmupMs: number };

/** New orders per trade over a decaying window; 1 trade of pseudo-count keeps it finite. */
export const orderToTrade: Feature<Params> = {
  name: 'order_to_trade',
  family: 'order-flow',
  unit: 'ratio',
  description: 'New order submissions per public trade.',
  formula: '(decaying new orders) / (decaying trades + 1)',
  window: 'exponential, half-life halfLifeMs (default 10 s)',
  reveals: 'quote stuffing, spoofing and layering: much order traffic, little execution',
  keyKind: 'venue-symbol',
  inputs: ['order', 'trade'],
  defaults: { halfLifeMs: 10_000, warmupMs: 5_000 },
  create(params) {
    const p = { ...this.defaults, ...params };
    return state(p, new DecayingRate(p.halfLifeMs), new DecayingRate(p.halfLifeMs));
  },
  restore(json, params) {
    const p = { ...this.defaults, ...params };
    const [o, t] = json as [unknown, unknown];
    return state(p, DecayingRate.fromJSON(p.halfLifeMs, o), DecayingRate.fromJSON(p.halfLifeMs, t));
  },
};

function state(p: Params, orders: DecayingRate, trades: DecayingRate): FeatureState {
  return {
    update({ event }) {
      if (event.type === 'order' && event.action === 'new') orders.add(event.eventTime);
      else if (event.type === 'trade') trades.add(event.eventTime);
    },
    value() {
      const lo = orders.lastTime;
      const lt = trades.lastTime;
      const last = Number.isNaN(lo) ? lt : Number.isNaN(lt) ? lo : Math.max(lo, lt);
      if (Number.isNaN(last) || Math.max(orders.ageAt(last), trades.ageAt(last)) < p.warmupMs)
        return undefined;
      return orders.countAt(last) / (trades.countAt(last) + 1);
    },
    toJSON: () => [orders.toJSON(), trades.toJSON()],
  };
}
