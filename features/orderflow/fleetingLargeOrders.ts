import type { Feature, FeatureState } from '../feature.ts';
import type { BookView } from '../book/orderBook.ts';
import { DecayingSum } from '../stats/decayingSum.ts';

type Params = {
  halfLifeMs: number;
  /** An order is large from this many times the depth of the top `levels` levels on its side. */
  multiple: number;
  levels: number;
  /** Near the touch: within this many basis points of the same side's best price. */
  nearBps: number;
  /** Cancelled within this long after placement, with at most `maxFilledShare` of it traded at its price. */
  maxLifeMs: number;
  maxFilledShare: number;
  /**
   * ... and this many times the typical new-order size of the key (geometric running mean). That
   * mean follows the mix of orders: the more often market makers re-quote their (larger) sizes, the
   * higher it is, so the multiple is kept well under the size of a wall (30; see docs/simulator.md).
   */
  sizeMultiple: number;
  /** Count only orders whose account traded on the other side while they were displayed. */
  requireOpposite: number;
  /** Candidates tracked per key (oldest dropped first). */
  maxTracked: number;
};

interface Candidate {
  readonly t: number;
  readonly account: string;
  readonly side: 'buy' | 'sell';
  readonly price: number;
  readonly qty: number;
  filled: number;
  opposite: boolean;
}

/**
 * Orders that dwarf the visible book near the touch and are pulled within seconds without
 * trading, while their owner trades on the other side: the footprint of spoofing (show size on
 * one side to move others, execute on the other). Counted per venue-symbol, decaying.
 */
export const fleetingLargeOrders: Feature<Params> = {
  name: 'fleeting_large_orders',
  family: 'order-flow',
  unit: 'orders (decaying count)',
  description:
    'Large orders near the touch cancelled within seconds unfilled, their owner trading on the other side.',
  formula:
    'sum_i 0.5^((t - t_i)/h) over cancels i of orders with qty >= multiple * depth(top levels, own side) and >= sizeMultiple * exp(EWMA ln qty), |p / best - 1| <= nearBps, life <= maxLifeMs, at most maxFilledShare filled, owner traded on the other side meanwhile',
  window: 'exponential, half-life halfLifeMs (default 30 s)',
  reveals: 'spoofing: size shown to move others, never meant to trade',
  keyKind: 'venue-symbol',
  inputs: ['order', 'trade'],
  defaults: {
    halfLifeMs: 30_000,
    multiple: 3,
    sizeMultiple: 30,
    levels: 5,
    nearBps: 10,
    maxLifeMs: 10_000,
    maxFilledShare: 0.25,
    requireOpposite: 1,
    maxTracked: 256,
  },
  create(params) {
    const p = { ...this.defaults, ...params };
    return state(p, new DecayingSum(p.halfLifeMs), new Map(), { n: 0, logSize: 0 });
  },
  restore(json, params) {
    const p = { ...this.defaults, ...params };
    const j = json as { d: unknown; c: [string, Candidate][]; s: { n: number; logSize: number } };
    return state(p, DecayingSum.fromJSON(p.halfLifeMs, j.d), new Map(j.c), { ...j.s });
  },
};

function depth(book: BookView, buy: boolean, levels: number): number {
  let d = 0;
  for (let i = 0; i < levels; i++) {
    const q = buy ? book.bidQty(i) : book.askQty(i);
    if (Number.isFinite(q)) d += q;
  }
  return d;
}

/** Running mean of log order size: its exponential is the typical (geometric mean) size. */
interface TypicalSize {
  n: number;
  logSize: number;
}

function state(
  p: Params,
  count: DecayingSum,
  open: Map<string, Candidate>,
  typical: TypicalSize,
): FeatureState {
  return {
    update({ event, book }) {
      // Decay to the key's event time, so the count falls between pulls (adding 0 moves its clock).
      if (event.type === 'trade' || event.type === 'order') count.add(0, event.eventTime);
      if (event.type === 'trade') {
        // The resting side of a trade is the maker: a candidate of that account at that price traded
        // (its own fills, as the public feed shows them: by account and price).
        const maker = event.takerSide === 'buy' ? event.sellAccount : event.buyAccount;
        const side = event.takerSide === 'buy' ? 'sell' : 'buy';
        if (maker === undefined) return;
        const taker = event.takerSide === 'buy' ? event.buyAccount : event.sellAccount;
        for (const c of open.values()) {
          if (c.account === maker && c.side === side && c.price === event.price) c.filled += event.quantity;
          // Trading on the other side, as maker or taker.
          if ((c.account === maker && c.side !== side) || (c.account === taker && c.side === side))
            c.opposite = true;
        }
        return;
      }
      if (event.type !== 'order') return;
      const buy = event.side === 'buy';
      if (event.action === 'new') {
        if (!(event.quantity > 0)) return;
        const typicalSize = Math.exp(typical.logSize);
        const warm = typical.n >= 200;
        typical.n++;
        typical.logSize += Math.max(1 / typical.n, 0.001) * (Math.log(event.quantity) - typical.logSize);
        if (!warm || event.quantity < p.sizeMultiple * typicalSize) return;
        const best = buy ? book.bidPrice(0) : book.askPrice(0);
        const d = depth(book, buy, p.levels);
        if (!(best > 0) || !(d > 0)) return;
        if (event.quantity < p.multiple * d || Math.abs(event.price / best - 1) * 1e4 > p.nearBps) return;
        open.set(event.orderId, {
          t: event.eventTime,
          account: event.account,
          side: event.side,
          price: event.price,
          qty: event.quantity,
          filled: 0,
          opposite: false,
        });
        if (open.size > p.maxTracked) open.delete(open.keys().next().value!);
      } else if (event.action === 'cancel' || event.action === 'fill') {
        const c = open.get(event.orderId);
        if (!c) return;
        open.delete(event.orderId);
        if (
          event.action === 'cancel' &&
          c.filled <= p.maxFilledShare * c.qty &&
          (c.opposite || !p.requireOpposite) &&
          event.eventTime - c.t <= p.maxLifeMs
        )
          count.add(1, event.eventTime);
      }
    },
    value: () => (Number.isNaN(count.lastTime) ? 0 : count.valueAt(count.lastTime)),
    toJSON: () => ({ d: count.toJSON(), c: [...open], s: { ...typical } }),
  };
}
