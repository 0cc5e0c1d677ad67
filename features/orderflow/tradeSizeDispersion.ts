import type { Feature, FeatureState } from '../feature.ts';
import { RollingMoments } from '../stats/rollingMoments.ts';

type Params = { windowMs: number; warmupMs: number };

/** Coefficient of variation of trade quantity over a sliding window (scale-free dispersion). */
export const tradeSizeDispersion: Feature<Params> = {
  name: 'trade_size_dispersion',
  family: 'order-flow',
  unit: 'ratio (coefficient of variation)',
  description: 'Standard deviation of trade quantity over its mean, in the window.',
  formula: 'std_{n-1}(q_i) / mean(q_i) over trades in (t - W, t]',
  window: 'sliding, windowMs (default 60 s)',
  reveals: 'uniform clip sizes of algorithmic wash trading (low) or sporadic block sweeps (high)',
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
    value() {
      if (m.age < p.warmupMs || m.count < 2 || !(m.mean > 0)) return undefined;
      return m.std() / m.mean;
    },
    toJSON: () => m.toJSON(),
  };
}
