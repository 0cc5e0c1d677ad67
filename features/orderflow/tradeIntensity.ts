import type { Feature, FeatureState } from '../feature.ts';
import { DecayingRate } from '../stats/ewma.ts';

type Params = { halfLifeMs: number; warmupMs: number };

/** Trades per second, exponentially decaying in event time. */
export const tradeIntensity: Feature<Params> = {
  name: 'trade_intensity',
  family: 'order-flow',
  unit: 'trades/s',
  description: 'Rate of public trades on the venue and symbol.',
  formula: 'sum_i 0.5^((t - t_i)/h) / (h / ln 2), trades i up to t',
  window: 'exponential, half-life halfLifeMs (default 5 s)',
  reveals: 'trade bursts of pumps, momentum ignition and wash trading',
  keyKind: 'venue-symbol',
  inputs: ['trade'],
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
      if (event.type === 'trade') rate.add(event.eventTime);
    },
    value: () => (rate.ageAt(rate.lastTime) >= p.warmupMs ? rate.rateAt(rate.lastTime) : undefined),
    toJSON: () => rate.toJSON(),
  };
}
