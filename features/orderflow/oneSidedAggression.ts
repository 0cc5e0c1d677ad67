import type { Feature, FeatureState } from '../feature.ts';

type Params = {
  /** Aggressive orders of one account on one side counted over (t - windowMs, t]. */
  windowMs: number;
  /** An account that placed an order on the other side within this long quotes both ways: not counted. */
  quoteLookbackMs: number;
  /** Accounts tracked per key (the least recently active dropped first). */
  maxAccounts: number;
};

type Side = 'buy' | 'sell';

/** One account's recent activity on a key: its aggressive order times and last order per side. */
interface Activity {
  /** Event times of its aggressive orders, oldest first, per side. */
  buys: number[];
  sells: number[];
  /** Last time it placed a new order on each side (-Infinity: not seen). */
  quotedBuy: number;
  quotedSell: number;
  seen: number;
}

/** The trade being read: consecutive fills of one taker at one instant are one aggressive order. */
interface LastFill {
  t: number;
  account: string;
  side: Side;
}

/**
 * The most aggressive orders one account sent on one side in the last `windowMs`, among accounts
 * that did not place an order on the other side within `quoteLookbackMs`: a burst of market buys
 * by one participant who is not making a market, the footprint of momentum ignition (and of the
 * first moves of a squeeze). Market makers take liquidity too when they re-price across stale
 * quotes, several times a second in a fast market, but they quote both sides, so they are left
 * out. Fills of one taker at one instant (a sweep across several makers) are one order. Needs the
 * venue's own flow: public trades carry no accounts, and then it stays 0.
 */
export const oneSidedAggression: Feature<Params> = {
  name: 'one_sided_aggression',
  family: 'order-flow',
  unit: 'orders',
  description:
    'Most same-side aggressive orders of one account in the window, among accounts not quoting the other side.',
  formula:
    'max over accounts a, sides s of #{aggressive orders of a on s in (t - W, t]}, for a without a new order on the side opposite s in (t - L, t]; 0 without accounts',
  window: 'sliding, windowMs (default 2 s); quote look-back quoteLookbackMs (default 30 s)',
  reveals: 'momentum ignition: one account firing a burst of aggressive orders in one direction',
  keyKind: 'venue-symbol',
  inputs: ['order', 'trade'],
  defaults: { windowMs: 2_000, quoteLookbackMs: 30_000, maxAccounts: 4_096 },
  create(params) {
    return state({ ...this.defaults, ...params }, new Map(), undefined, Number.NaN);
  },
  restore(json, params) {
    const j = json as { a: [string, Activity][]; l: LastFill | null; t: number | null };
    const accounts = new Map(
      j.a.map(([k, a]) => [
        k,
        {
          ...a,
          buys: [...a.buys],
          sells: [...a.sells],
          quotedBuy: a.quotedBuy ?? -Infinity,
          quotedSell: a.quotedSell ?? -Infinity,
        },
      ]),
    );
    return state({ ...this.defaults, ...params }, accounts, j.l ?? undefined, j.t ?? Number.NaN);
  },
};

function state(
  p: Params,
  accounts: Map<string, Activity>,
  last: LastFill | undefined,
  now: number,
): FeatureState {
  // Accounts with aggressive orders still in the window: the only ones value() has to look at.
  const takers = new Set<string>();
  for (const [k, a] of accounts) if (a.buys.length || a.sells.length) takers.add(k);
  const activity = (account: string, t: number): Activity => {
    let a = accounts.get(account);
    if (a)
      accounts.delete(account); // re-inserted last: the map stays in order of activity
    else a = { buys: [], sells: [], quotedBuy: -Infinity, quotedSell: -Infinity, seen: t };
    a.seen = Math.max(a.seen, t);
    accounts.set(account, a);
    if (accounts.size > p.maxAccounts) {
      const oldest = accounts.keys().next().value!;
      accounts.delete(oldest);
      takers.delete(oldest);
    }
    return a;
  };
  // Accounts idle longer than both windows can no longer count nor be excluded: drop them.
  const prune = () => {
    const horizon = now - Math.max(p.windowMs, p.quoteLookbackMs);
    for (const [k, a] of accounts) {
      if (a.seen > horizon) break;
      accounts.delete(k);
      takers.delete(k);
    }
  };
  return {
    update({ event }) {
      if (event.type !== 'order' && event.type !== 'trade') return;
      if (!(event.eventTime <= now)) now = event.eventTime;
      if (event.type === 'order') {
        if (event.action !== 'new') return;
        const a = activity(event.account, event.eventTime);
        if (event.side === 'buy') a.quotedBuy = Math.max(a.quotedBuy, event.eventTime);
        else a.quotedSell = Math.max(a.quotedSell, event.eventTime);
      } else {
        const taker = event.takerSide === 'buy' ? event.buyAccount : event.sellAccount;
        if (taker === undefined) return;
        const t = event.eventTime;
        if (last && last.t === t && last.account === taker && last.side === event.takerSide) return;
        last = { t, account: taker, side: event.takerSide };
        const a = activity(taker, t);
        (event.takerSide === 'buy' ? a.buys : a.sells).push(t);
        takers.add(taker);
      }
      prune();
    },
    value() {
      if (Number.isNaN(now)) return undefined;
      const from = now - p.windowMs;
      const quotedSince = now - p.quoteLookbackMs;
      let most = 0;
      for (const k of takers) {
        const a = accounts.get(k);
        if (!a) {
          takers.delete(k);
          continue;
        }
        for (const side of ['buy', 'sell'] as const) {
          const times = side === 'buy' ? a.buys : a.sells;
          while (times.length && times[0]! <= from) times.shift();
          const quotedOther = side === 'buy' ? a.quotedSell : a.quotedBuy;
          if (times.length > most && !(quotedOther > quotedSince)) most = times.length;
        }
        if (!a.buys.length && !a.sells.length) takers.delete(k);
      }
      return most;
    },
    toJSON: () => ({
      a: [...accounts].map(([k, a]) => [
        k,
        {
          ...a,
          quotedBuy: Number.isFinite(a.quotedBuy) ? a.quotedBuy : null,
          quotedSell: Number.isFinite(a.quotedSell) ? a.quotedSell : null,
        },
      ]),
      l: last ?? null,
      t: Number.isNaN(now) ? null : now,
    }),
  };
}
