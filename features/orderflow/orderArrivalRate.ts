import type { Feature, FeatureState } from '../feature.ts';
import { DecayingRate } from '../stats/ewma.ts';

type Params = { halfLifeMs: number; warmupMs: number };

/** New orders per second on the venue and symbol, exponentially decaying in event time. */
export const orderArrivalRate: Feature<Params> = {
  name: 'order_arrival_rate',
  family: 'order-flow',
  unit: 'orders/s',
  description: 'Rate of new order submissions (own-venue order flow).',
  formula: 'decaying count of action=new orders / (h / ln 2)',
  window: 'exponential, half-life halfLifeMs (default 5 s)',
  reveals: 'quote stuffing, layering and spoofing bursts',
  keyKind: 'venue-symbol',
  inputs: ['order'],
  defaults: { halfLifeMs: 5_000, warmupMs: 5_000 },
  create(params) {
    const p = { ...this.defaults, ...params };
    return state(p, new DecayingRate(p.halfLifeMs));
  },
  restore(json, params) {
    const p = { ...this.defaults, ...params };
    return state(p, DecayingRate.fromJSON(p.halfLifeMs, json));
  },
};

function state(p: Params, rate: DecayingRate): FeatureState {
  return {
    update({ event }) {
      if (event.type === 'order' && event.action === 'new') rate.add(event.eventTime);
    },
    value: () => (rate.ageAt(rate.lastTime) >= p.warmupMs ? rate.rateAt(rate.lastTime) : undefined),
    toJSON: () => rate.toJSON(),
  };
}
