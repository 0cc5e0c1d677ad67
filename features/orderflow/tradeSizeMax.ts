import type { Feature, FeatureState } from '../feature.ts';
import { MonotonicDeque } from '../stats/monotonicDeque.ts';

type Params = { windowMs: number; warmupMs: number };

/** Largest trade quantity in a sliding window (monotonic deque). */
export const tradeSizeMax: Feature<Params> = {
  name: 'trade_size_max',
  family: 'order-flow',
  unit: 'base units (contracts on coin-margined perpetuals)',
  description: 'Largest trade quantity in the window.',
  formula: 'max q_i over trades in (t - W, t]',
  window: 'sliding, windowMs (default 60 s)',
  reveals: 'block sweeps and fat-finger executions',
  keyKind: 'venue-symbol',
  inputs: ['trade'],
  defaults: { windowMs: 60_000, warmupMs: 60_000 },
  create(params) {
    const p = { ...this.defaults, ...params };
    return state(p, new MonotonicDeque(p.windowMs, 'max'));
  },
  restore(json, params) {
    const p = { ...this.defaults, ...params };
    return state(p, MonotonicDeque.fromJSON(json, p.windowMs, 'max'));
  },
};

function state(p: Params, d: MonotonicDeque): FeatureState {
  return {
    update({ event }) {
      if (event.type === 'trade') d.add(event.eventTime, event.quantity);
    },
    value: () => (d.age >= p.warmupMs && d.size > 0 ? d.extreme : undefined),
    toJSON: () => d.toJSON(),
  };
}
