import { spreadBps } from '../book/depth.ts';
import type { Feature, FeatureState } from '../feature.ts';
import { RollingMoments } from '../stats/rollingMoments.ts';

type Params = { windowMs: number; warmupMs: number };

/** Standard deviation of the quoted spread, sampled at each book change, over a sliding window. */
export const spreadVolatility: Feature<Params> = {
  name: 'spread_volatility',
  family: 'order-flow',
  unit: 'bps',
  description: 'Rolling standard deviation of the quoted spread (one sample per book change).',
  formula: 'std_{n-1}(spread_bps_i) over book changes i in (t - W, t]',
  window: 'sliding, windowMs (default 60 s)',
  reveals: 'flickering quotes and unstable liquidity: quote stuffing, spoofing, stressed markets',
  keyKind: 'venue-symbol',
  inputs: ['book', 'ticker'],
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
    update({ event, book }) {
      const s = spreadBps(book);
      if (Number.isFinite(s)) m.add(event.eventTime, s);
      else m.advance(event.eventTime);
    },
    value() {
      if (m.age < p.warmupMs || m.count < 2) return undefined;
      return m.std();
    },
    toJSON: () => m.toJSON(),
  };
}
