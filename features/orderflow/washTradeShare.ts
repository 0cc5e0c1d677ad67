import type { Feature, FeatureState } from '../feature.ts';
import { RollingSums } from '../stats/rollingSums.ts';

type Params = { windowMs: number; warmupMs: number };

/**
 * Share of the window's volume in wash-trade candidates: trades whose buyer and seller are the same
 * account. Public feeds do not name accounts, so there it is 0; the venue's own flow (or a
 * simulator) names them.
 */
export const washTradeShare: Feature<Params> = {
  name: 'wash_trade_share',
  family: 'order-flow',
  unit: 'ratio in [0, 1]',
  description: 'Volume share of trades with buyAccount equal to sellAccount.',
  formula: 'sum q_i [buyAccount_i = sellAccount_i] / sum q_i over trades in (t - W, t]; 0 without trades',
  window: 'sliding, windowMs (default 60 s)',
  reveals: 'wash trading: one account on both sides to fake volume',
  keyKind: 'venue-symbol',
  inputs: ['trade'],
  defaults: { windowMs: 60_000, warmupMs: 0 },
  create(params) {
    const p = { ...this.defaults, ...params };
    return state(p, new RollingSums(p.windowMs, 2));
  },
  restore(json, params) {
    const p = { ...this.defaults, ...params };
    return state(p, RollingSums.fromJSON(json, p.windowMs, 2));
  },
};

function state(p: Params, sums: RollingSums): FeatureState {
  return {
    update({ event }) {
      if (event.type !== 'trade') return;
      const wash = event.buyAccount !== undefined && event.buyAccount === event.sellAccount;
      sums.add(event.eventTime, wash ? event.quantity : 0, event.quantity);
    },
    value() {
      if (Number.isNaN(sums.now) || sums.age < p.warmupMs) return undefined;
      const total = sums.sum(1);
      return total > 0 ? sums.sum(0) / total : 0;
    },
    toJSON: () => sums.toJSON(),
  };
}
