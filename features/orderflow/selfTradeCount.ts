import type { Feature, FeatureState } from '../feature.ts';
import { RollingSums } from '../stats/rollingSums.ts';

type Params = { windowMs: number };

/**
 * Trades in the window whose buyer and seller are the same account. Venues prevent self-trades by
 * default, so each one is an order that skipped the prevention; a few within a minute are a
 * pattern, whatever their share of the volume (`wash_trade_share` measures that, and in a busy
 * market the first wash prints are a small share). Public feeds do not name accounts: 0 there.
 */
export const selfTradeCount: Feature<Params> = {
  name: 'self_trade_count',
  family: 'order-flow',
  unit: 'trades',
  description: 'Trades with buyAccount equal to sellAccount in the window.',
  formula: '#{trades i in (t - W, t] : buyAccount_i = sellAccount_i}',
  window: 'sliding, windowMs (default 60 s)',
  reveals: 'wash trading: repeated self-matched prints by one account',
  keyKind: 'venue-symbol',
  inputs: ['trade'],
  defaults: { windowMs: 60_000 },
  create(params) {
    const p = { ...this.defaults, ...params };
    return state(new RollingSums(p.windowMs, 1));
  },
  restore(json, params) {
    const p = { ...this.defaults, ...params };
    return state(RollingSums.fromJSON(json, p.windowMs, 1));
  },
};

function state(sums: RollingSums): FeatureState {
  return {
    update({ event }) {
      if (event.type !== 'trade') return;
      // Every trade moves the window; only self-trades are rows.
      if (event.buyAccount !== undefined && event.buyAccount === event.sellAccount)
        sums.add(event.eventTime, 1);
      else sums.advance(event.eventTime);
    },
    value: () => (Number.isNaN(sums.now) ? undefined : sums.sum(0)),
    toJSON: () => sums.toJSON(),
  };
}
