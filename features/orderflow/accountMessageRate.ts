import type { Feature, FeatureState } from '../feature.ts';

type Params = {
  /** Half-life of each account's decaying message count. */
  halfLifeMs: number;
  /** Accounts whose decayed count fell under this are forgotten. */
  forgetBelow: number;
  /** Accounts tracked per key (the least recently active dropped first). */
  maxAccounts: number;
};

/** One account's decaying count of order messages, as of `t`. */
interface Count {
  c: number;
  t: number;
}

/**
 * The order-message rate of the busiest account on the key: new orders and cancels of one account,
 * as a decaying count (half-life about a second) turned into messages per second. Quote stuffing is
 * one participant flooding the book with orders it cancels at once; a market-wide burst of quoting
 * (news, a fast market) raises every account a little and this one hardly at all, which is what
 * tells the two apart where the key's total message rate (`quote_stuffing_score`) cannot. Needs
 * the venue's own order flow: public feeds carry no orders, and then it stays 0.
 */
export const accountMessageRate: Feature<Params> = {
  name: 'account_message_rate',
  family: 'order-flow',
  unit: 'messages/s',
  description: "Order messages (new and cancel) per second of the key's busiest account.",
  formula:
    'max over accounts a of (ln 2 / h) * sum_i 0.5^((t - t_i)/h) over new and cancel orders i of a, per second',
  window: 'exponential per account, half-life halfLifeMs (default 1 s)',
  reveals: 'quote stuffing: one account sending orders and cancels by the hundred a second',
  keyKind: 'venue-symbol',
  inputs: ['order'],
  defaults: { halfLifeMs: 1_000, forgetBelow: 0.01, maxAccounts: 4_096 },
  create(params) {
    return state({ ...this.defaults, ...params }, new Map(), '', Number.NaN);
  },
  restore(json, params) {
    const j = json as { a: [string, Count][]; top: string; now: number | null };
    return state(
      { ...this.defaults, ...params },
      new Map(j.a.map(([k, c]) => [k, { ...c }])),
      j.top,
      j.now ?? Number.NaN,
    );
  },
};

function state(p: Params, accounts: Map<string, Count>, top: string, now: number): FeatureState {
  const decayed = (c: Count, t: number) => c.c * Math.pow(0.5, Math.max(0, t - c.t) / p.halfLifeMs);
  const perSecond = (p.halfLifeMs > 0 ? Math.LN2 / p.halfLifeMs : 0) * 1000;
  let sincePrune = 0;
  const busiest = () => {
    let best = '';
    let most = -1;
    for (const [k, a] of accounts) {
      const d = decayed(a, now);
      if (d > most) [best, most] = [k, d];
    }
    return best;
  };
  return {
    update({ event }) {
      if (event.type !== 'order' || event.action === 'fill') return;
      const t = event.eventTime;
      if (!(t <= now)) now = t;
      let c = accounts.get(event.account);
      if (c)
        accounts.delete(event.account); // re-inserted last: the map stays in order of activity
      else c = { c: 0, t };
      // A late message enters with the weight it would have had.
      if (t >= c.t) {
        c.c = decayed(c, t) + 1;
        c.t = t;
      } else c.c += Math.pow(0.5, (c.t - t) / p.halfLifeMs);
      accounts.set(event.account, c);
      if (accounts.size > p.maxAccounts) accounts.delete(accounts.keys().next().value!);
      // Every count decays at the same pace, so the busiest account changes only when a message
      // lifts another one past it: the one just updated.
      const current = accounts.get(top);
      if (!current) top = busiest();
      else if (decayed(c, now) > decayed(current, now)) top = event.account;
      if (++sincePrune >= 1_024) {
        sincePrune = 0;
        // Least recently active first: stop at the first account still worth keeping.
        for (const [k, a] of accounts) {
          if (k === top) continue;
          if (decayed(a, now) >= p.forgetBelow) break;
          accounts.delete(k);
        }
      }
    },
    value() {
      if (Number.isNaN(now)) return undefined;
      const c = accounts.get(top);
      return c ? decayed(c, now) * perSecond : 0;
    },
    toJSON: () => ({ a: [...accounts], top, now: Number.isNaN(now) ? null : now }),
  };
}
