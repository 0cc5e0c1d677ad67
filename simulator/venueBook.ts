import { SCHEMA_VERSION } from '../schemas/common.ts';
import type { Side } from '../schemas/common.ts';
import type { InputEvent } from '../schemas/event.ts';
import type { SymbolSpec } from './factorModel.ts';
import { round8 } from './sampling.ts';

/** A limit order resting in a simulated book. */
export interface RestingOrder {
  readonly id: string;
  readonly account: string;
  readonly side: Side;
  readonly tick: number;
  qty: number;
  /** Placed by a scenario's action: only the scenario may cancel it (the background flow manages its own orders). */
  readonly injected?: boolean;
}

interface Level {
  qty: number;
  orders: RestingOrder[];
}

/** What scenarios may change about a book's normal flow while they run (reset every step). */
export interface BookOverrides {
  /** Log offset of this venue's fair price from the symbol's (a pump, a dislocation, a crash). */
  fairOffset: number;
  /** Multipliers of the normal taker and limit order rates and of taker sizes. */
  takerRate: number;
  limitRate: number;
  takerSize: number;
  /** Share of buyer-initiated takers; undefined leaves it to the fair-versus-mid pull. */
  buyShare: number | undefined;
}

const MAX_SCAN = 20_000;
const SNAPSHOT_LEVELS = 20;

export const noOverrides = (): BookOverrides => ({
  fairOffset: 0,
  takerRate: 1,
  limitRate: 1,
  takerSize: 1,
  buyShare: undefined,
});

/**
 * One venue's limit order book for one symbol, at order level: price-time priority, marketable
 * orders match against resting ones (one trade per maker order, all in the taker's millisecond),
 * cancels remove liquidity, and self-trade prevention cancels a resting order its own account would
 * hit (unless a scenario asks for the self-trade). It writes the events a venue would publish into
 * `out`: every order event, every trade with both accounts, and at each `flush` the changed L2
 * levels (a depth diff like Binance's depth@100ms) and the best bid and ask when they changed.
 * While `silent` the venue keeps matching but publishes nothing; it comes back with a snapshot.
 */
export class VenueBook {
  readonly key: string;
  private readonly bids = new Map<number, Level>();
  private readonly asks = new Map<number, Level>();
  private readonly orders = new Map<string, RestingOrder>();
  private readonly dirtyBids = new Set<number>();
  private readonly dirtyAsks = new Set<number>();
  bestBid = -Infinity;
  bestAsk = Infinity;
  private lastTicker = '';
  private orderSeq = 0;
  private eventSeq = 0;
  private tradeSeq = 0;
  private updateId = 0;
  silent = false;
  /** Set while a scenario's action runs: the orders it places are marked `injected`. */
  injecting = false;
  private wasSilent = false;
  /** Decaying count of trades (one-minute half-life) and when it was last updated, for `tradeRate`. */
  private tradeDecay = 0;
  private tradeDecayAt = Number.NaN;
  private firstTradeAt = Number.NaN;
  overrides: BookOverrides = noOverrides();

  constructor(
    readonly venue: string,
    readonly spec: SymbolSpec,
    private readonly out: InputEvent[],
    private readonly idPrefix: string,
  ) {
    this.key = `vs:${venue}:${spec.symbol}`;
  }

  get symbol(): string {
    return this.spec.symbol;
  }
  get openOrders(): number {
    return this.orders.size;
  }
  /** Mid price in ticks (NaN while a side is empty). */
  get midTick(): number {
    return Number.isFinite(this.bestBid) && Number.isFinite(this.bestAsk)
      ? (this.bestBid + this.bestAsk) / 2
      : Number.NaN;
  }
  price(tick: number): number {
    return round8(tick * this.spec.tick);
  }
  qtyAt(side: Side, tick: number): number {
    return (side === 'buy' ? this.bids : this.asks).get(tick)?.qty ?? 0;
  }
  /** (bid depth - ask depth) / (sum) over the `levels` ticks from each touch; 0 on an empty book. */
  depthImbalance(levels: number): number {
    let b = 0;
    let a = 0;
    for (let i = 0; i < levels; i++) {
      b += this.bids.get(this.bestBid - i)?.qty ?? 0;
      a += this.asks.get(this.bestAsk + i)?.qty ?? 0;
    }
    return a + b > 0 ? (b - a) / (a + b) : 0;
  }
  order(id: string): RestingOrder | undefined {
    return this.orders.get(id);
  }
  /** Any resting order, picked by a uniform `u` in [0, 1) (for random cancellation). */
  orderAt(u: number): RestingOrder | undefined {
    const n = this.orders.size;
    if (n === 0) return undefined;
    // Map iteration is insertion ordered; skipping is O(n) but n stays a few hundred.
    let i = Math.floor(u * n);
    for (const o of this.orders.values()) if (i-- === 0) return o;
    return undefined;
  }
  /** Resting orders, oldest first. */
  restingOrders(): IterableIterator<RestingOrder> {
    return this.orders.values();
  }

  private nextId(): string {
    return `${this.idPrefix}-${++this.eventSeq}`;
  }

  private publish(e: InputEvent): void {
    if (!this.silent) this.out.push(e);
  }

  /**
   * A limit order: what crosses the opposite best trades at once (price improvement for the taker
   * goes to the maker's price), the rest rests. Returns the resting order's id, if any rests.
   */
  place(
    t: number,
    account: string,
    side: Side,
    tick: number,
    qty: number,
    selfTrade = false,
  ): string | undefined {
    qty = round8(qty);
    if (!(qty >= 1e-8) || !Number.isFinite(tick)) return undefined;
    const id = `${this.idPrefix}-o${++this.orderSeq}`;
    this.publish({
      schemaVersion: SCHEMA_VERSION,
      eventId: this.nextId(),
      venue: this.venue,
      symbol: this.spec.symbol,
      eventTime: t,
      type: 'order',
      action: 'new',
      orderId: id,
      account,
      side,
      price: this.price(tick),
      quantity: qty,
    });
    const left = this.match(t, account, side, qty, tick, selfTrade);
    if (left < 1e-8) return undefined;
    const o: RestingOrder = this.injecting
      ? { id, account, side, tick, qty: round8(left), injected: true }
      : { id, account, side, tick, qty: round8(left) };
    this.orders.set(id, o);
    const book = side === 'buy' ? this.bids : this.asks;
    let lv = book.get(tick);
    if (!lv) book.set(tick, (lv = { qty: 0, orders: [] }));
    lv.orders.push(o);
    lv.qty += o.qty;
    (side === 'buy' ? this.dirtyBids : this.dirtyAsks).add(tick);
    if (side === 'buy' && tick > this.bestBid) this.bestBid = tick;
    if (side === 'sell' && tick < this.bestAsk) this.bestAsk = tick;
    return id;
  }

  /** A market order: sweeps the opposite side up to `qty` (or until `limitTick`). Returns the filled quantity. */
  market(t: number, account: string, side: Side, qty: number, limitTick?: number, selfTrade = false): number {
    const limit = limitTick ?? (side === 'buy' ? Infinity : -Infinity);
    if (!(qty >= 1e-8)) return 0;
    return qty - this.match(t, account, side, round8(qty), limit, selfTrade);
  }

  /** Cancels a resting order; false when it is no longer there (filled or cancelled). */
  cancel(t: number, id: string): boolean {
    const o = this.orders.get(id);
    if (!o) return false;
    this.orders.delete(id);
    const book = o.side === 'buy' ? this.bids : this.asks;
    const lv = book.get(o.tick)!;
    lv.orders.splice(lv.orders.indexOf(o), 1);
    lv.qty = lv.orders.length ? round8(lv.qty - o.qty) : 0;
    (o.side === 'buy' ? this.dirtyBids : this.dirtyAsks).add(o.tick);
    if (lv.orders.length === 0) {
      book.delete(o.tick);
      if (o.side === 'buy' && o.tick === this.bestBid) this.bestBid = this.scan(this.bids, o.tick, -1);
      if (o.side === 'sell' && o.tick === this.bestAsk) this.bestAsk = this.scan(this.asks, o.tick, 1);
    }
    this.publish({
      schemaVersion: SCHEMA_VERSION,
      eventId: this.nextId(),
      venue: this.venue,
      symbol: this.spec.symbol,
      eventTime: t,
      type: 'order',
      action: 'cancel',
      orderId: o.id,
      account: o.account,
      side: o.side,
      price: this.price(o.tick),
      quantity: o.qty,
    });
    return true;
  }

  private scan(book: Map<number, Level>, from: number, dir: 1 | -1): number {
    if (book.size === 0) return dir > 0 ? Infinity : -Infinity;
    for (let i = 1; i <= MAX_SCAN; i++) if (book.has(from + dir * i)) return from + dir * i;
    // Far away: fall back to a full pass.
    let best = dir > 0 ? Infinity : -Infinity;
    for (const k of book.keys()) if (dir > 0 ? k < best : k > best) best = k;
    return best;
  }

  /** Matches a taker against the opposite side; returns the quantity left. */
  private match(
    t: number,
    account: string,
    side: Side,
    qty: number,
    limitTick: number,
    selfTrade: boolean,
  ): number {
    const buy = side === 'buy';
    const book = buy ? this.asks : this.bids;
    const dirty = buy ? this.dirtyAsks : this.dirtyBids;
    let left = qty;
    // Quantities live on an 1e-8 grid; anything smaller is nothing (and would never finish).
    while (left >= 1e-8) {
      const best = buy ? this.bestAsk : this.bestBid;
      if (!Number.isFinite(best) || (buy ? best > limitTick : best < limitTick)) break;
      const lv = book.get(best)!;
      const maker = lv.orders[0]!;
      if (maker.account === account && !selfTrade) {
        // Self-trade prevention (expire maker), as venues do by default.
        this.cancel(t, maker.id);
        continue;
      }
      const q = round8(Math.min(left, maker.qty));
      left = round8(left - q);
      maker.qty = round8(maker.qty - q);
      lv.qty = round8(lv.qty - q);
      dirty.add(best);
      if (q > 0) this.countTrade(t);
      if (q > 0)
        this.publish({
          schemaVersion: SCHEMA_VERSION,
          eventId: this.nextId(),
          venue: this.venue,
          symbol: this.spec.symbol,
          eventTime: t,
          type: 'trade',
          tradeId: `${this.idPrefix}-t${++this.tradeSeq}`,
          price: this.price(best),
          quantity: q,
          takerSide: side,
          buyAccount: buy ? account : maker.account,
          sellAccount: buy ? maker.account : account,
        });
      if (maker.qty < 1e-8) {
        lv.orders.shift();
        this.orders.delete(maker.id);
        if (lv.orders.length === 0) {
          book.delete(best);
          if (buy) this.bestAsk = this.scan(book, best, 1);
          else this.bestBid = this.scan(book, best, -1);
        } else if (lv.qty < 1e-8) lv.qty = lv.orders.reduce((a, o) => a + o.qty, 0);
      }
    }
    return left;
  }

  private countTrade(t: number): void {
    if (Number.isNaN(this.firstTradeAt)) this.firstTradeAt = t;
    const dt = Number.isNaN(this.tradeDecayAt) ? 0 : Math.max(0, t - this.tradeDecayAt);
    this.tradeDecay = this.tradeDecay * Math.pow(0.5, dt / 60_000) + 1;
    this.tradeDecayAt = Math.max(t, Number.isNaN(this.tradeDecayAt) ? t : this.tradeDecayAt);
  }

  /** Recent trades per second (exponentially weighted, one-minute half-life), as of `t`. */
  tradeRate(t: number): number {
    if (Number.isNaN(this.tradeDecayAt)) return 0;
    const dt = Math.max(0, t - this.tradeDecayAt);
    // Normalised by the weight the window has had so far, so a young book is not underestimated.
    const weight = (60 / Math.LN2) * (1 - Math.pow(0.5, Math.max(1, t - this.firstTradeAt) / 60_000));
    return (this.tradeDecay * Math.pow(0.5, dt / 60_000)) / weight;
  }

  /** Top `n` levels of a side, best first. */
  levels(side: Side, n: number): [number, number][] {
    const book = side === 'buy' ? this.bids : this.asks;
    const ticks = [...book.keys()].sort((a, b) => (side === 'buy' ? b - a : a - b)).slice(0, n);
    return ticks.map((k) => [this.price(k), round8(book.get(k)!.qty)]);
  }

  /** A full snapshot (at start and when a silent feed comes back). */
  snapshot(t: number): void {
    this.dirtyBids.clear();
    this.dirtyAsks.clear();
    this.publish({
      schemaVersion: SCHEMA_VERSION,
      eventId: this.nextId(),
      venue: this.venue,
      symbol: this.spec.symbol,
      eventTime: t,
      type: 'book',
      kind: 'snapshot',
      bids: this.levels('buy', SNAPSHOT_LEVELS * 5),
      asks: this.levels('sell', SNAPSHOT_LEVELS * 5),
      lastUpdateId: ++this.updateId,
    });
  }

  /** End of a publishing interval: the depth diff of changed levels and the ticker if the touch changed. */
  flush(t: number): void {
    if (this.silent) {
      this.wasSilent = true;
      this.dirtyBids.clear();
      this.dirtyAsks.clear();
      return;
    }
    if (this.wasSilent) {
      this.wasSilent = false;
      this.snapshot(t);
    }
    if (this.dirtyBids.size || this.dirtyAsks.size) {
      const lv = (dirty: Set<number>, book: Map<number, Level>): [number, number][] =>
        [...dirty].map((k) => [this.price(k), round8(book.get(k)?.qty ?? 0)]);
      const first = this.updateId + 1;
      this.updateId += this.dirtyBids.size + this.dirtyAsks.size;
      this.publish({
        schemaVersion: SCHEMA_VERSION,
        eventId: this.nextId(),
        venue: this.venue,
        symbol: this.spec.symbol,
        eventTime: t,
        type: 'book',
        kind: 'update',
        bids: lv(this.dirtyBids, this.bids),
        asks: lv(this.dirtyAsks, this.asks),
        firstUpdateId: first,
        lastUpdateId: this.updateId,
      });
      this.dirtyBids.clear();
      this.dirtyAsks.clear();
    }
    if (Number.isFinite(this.bestBid) && Number.isFinite(this.bestAsk)) {
      const bq = this.qtyAt('buy', this.bestBid);
      const aq = this.qtyAt('sell', this.bestAsk);
      const sig = `${this.bestBid}|${this.bestAsk}|${bq}|${aq}`;
      if (sig !== this.lastTicker) {
        this.lastTicker = sig;
        this.publish({
          schemaVersion: SCHEMA_VERSION,
          eventId: this.nextId(),
          venue: this.venue,
          symbol: this.spec.symbol,
          eventTime: t,
          type: 'ticker',
          bidPrice: this.price(this.bestBid),
          bidQty: round8(bq),
          askPrice: this.price(this.bestAsk),
          askQty: round8(aq),
        });
      }
    }
  }
}
