import type { Feature, FeatureState } from '../feature.ts';
import { RollingMoments } from '../stats/rollingMoments.ts';

type Params = { windowMs: number; warmupMs: number };

/** Mean trade quantity over a sliding window. */
export const tradeSizeMean: Feature<Params> = {
  name: 'trade_size_mean',
  family: 'order-flow',
  unit: 'base units (contracts on coin-margined perpetuals)',
  description: 'Mean quantity of the trades in the window.',
  formula: 'sum q_i / n over trades in (t - W, t]',
  window: 'sliding, windowMs (default 60 s)',
  reveals: 'a change of who trades: retail swarms in a pump (small), whales and sweeps (large)',
  keyKind: 'venue-symbol',
  inputs: ['trade'],
  defaults: { windowMs: 60_000, warmupMs: 60_000 },
  create(params) {
    const p = { ...this.defaults, ...params };
    return state(p, new RollingMoments(p.windowMs));
  },
  restore(json, params) {
    const p = { ...this.defaults, ...params };
    return state(p, RollingMoments.fromJSON(json, p.windowMs));
  },
};

function state(p: Params, m: RollingMoments): FeatureState {
  return {
    update({ event }) {
      if (event.type === 'trade') m.add(event.eventTime, event.quantity);
    },
    value: () => (m.age >= p.warmupMs && m.count > 0 ? m.mean : undefined),
    toJSON: () => m.toJSON(),
  };
}
