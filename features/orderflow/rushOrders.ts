import type { Feature, FeatureState } from '../feature.ts';
import { RollingSums } from '../stats/rollingSums.ts';

type Params = { windowMs: number; minFills: number; warmupMs: number };

/**
 * Rush orders (La Morgia et al. 2020): one aggressive order filled against several resting orders
 * shows as consecutive trades with the same timestamp and taker side. Counts such groups of at
 * least `minFills` fills in the window. The fills of one order arrive together on a venue's
 * feed, so grouping consecutive trades is enough.
 */
export const rushOrders: Feature<Params> = {
  name: 'rush_orders',
  family: 'order-flow',
  unit: 'rush orders per window',
  description: 'Aggressive orders that swept at least `minFills` resting orders at once.',
  formula: '#{groups of >= minFills consecutive trades with equal eventTime and takerSide} in (t - W, t]',
  window: 'sliding, windowMs (default 60 s)',
  reveals: 'pump-and-dump: market orders of insiders sweeping the book at the pump start',
  keyKind: 'venue-symbol',
  inputs: ['trade'],
  defaults: { windowMs: 60_000, minFills: 3, warmupMs: 60_000 },
  create(params) {
    const p = { ...this.defaults, ...params };
    return state(p, new RollingSums(p.windowMs, 1), { t: Number.NaN, side: '', n: 0 });
  },
  restore(json, params) {
    const p = { ...this.defaults, ...params };
    const j = json as { s: unknown; t: number | null; side: string; n: number };
    return state(p, RollingSums.fromJSON(j.s, p.windowMs, 1), { t: j.t ?? Number.NaN, side: j.side, n: j.n });
  },
};

function state(p: Params, sums: RollingSums, g: { t: number; side: string; n: number }): FeatureState {
  return {
    update({ event }) {
      if (event.type !== 'trade') return;
      const t = event.eventTime;
      if (t === g.t && event.takerSide === g.side) g.n++;
      else {
        g.t = t;
        g.side = event.takerSide;
        g.n = 1;
      }
      if (g.n === p.minFills) sums.add(t, 1);
      else sums.advance(t);
    },
    value: () => (!Number.isNaN(sums.now) && sums.age >= p.warmupMs ? sums.count : undefined),
    toJSON: () => ({ s: sums.toJSON(), t: Number.isNaN(g.t) ? null : g.t, side: g.side, n: g.n }),
  };
}
