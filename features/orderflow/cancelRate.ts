import type { Feature, FeatureState } from '../feature.ts';
import { DecayingRate } from '../stats/ewma.ts';

type Params = { halfLifeMs: number; warmupMs: number };

/** Order cancellations per second, exponentially decaying in event time. */
export const cancelRate: Feature<Params> = {
  name: 'cancel_rate',
  family: 'order-flow',
  unit: 'cancels/s',
  description: 'Rate of order cancellations (own-venue order flow).',
  formula: 'decaying count of action=cancel orders / (h / ln 2)',
  window: 'exponential, half-life halfLifeMs (default 5 s)',
  reveals: 'spoofing and layering: orders pulled before they can trade; quote stuffing',
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
      if (event.type === 'order' && event.action === 'cancel') rate.add(event.eventTime);
    },
    value: () => (rate.ageAt(rate.lastTime) >= p.warmupMs ? rate.rateAt(rate.lastTime) : undefined),
    toJSON: () => rate.toJSON(),
  };
}
