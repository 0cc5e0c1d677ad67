import type { BookUpdate, Ticker } from '../../schemas/market.ts';

/** Read-only view of one key's L2 book, as features see it. */
export interface BookView {
  /** True once a snapshot was applied; a book built from diffs alone knows only touched levels. */
  readonly complete: boolean;
  readonly bidLevels: number;
  readonly askLevels: number;
  /** Price and quantity of the i-th best level (0 = touch); NaN past the last level. */
  bidPrice(i: number): number;
  bidQty(i: number): number;
  askPrice(i: number): number;
  askQty(i: number): number;
  /** (best bid + best ask) / 2, NaN when a side is empty. */
  mid(): number;
  /** The mid when both sides are known, else the last trade price (trade-only feeds), else NaN. */
  fairPrice(): number;
  /** Price of the last trade on the key, NaN before the first. */
  readonly lastTradePrice: number;
  /** Event time of the last change. */
  readonly updatedAt: number;
}

/** Levels of one side kept sorted best-first in parallel typed arrays (grown on demand). */
class Side {
  prices = new Float64Array(64);
  qtys = new Float64Array(64);
  n = 0;
  constructor(private readonly descending: boolean) {}

  /** Index where `price` is or would be inserted, keeping best-first order. */
  private find(price: number): number {
    let lo = 0;
    let hi = this.n;
    const desc = this.descending;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const p = this.prices[mid]!;
      if (desc ? p > price : p < price) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  set(price: number, qty: number): void {
    const i = this.find(price);
    const exists = i < this.n && this.prices[i] === price;
    if (qty === 0) {
      if (exists) {
        this.prices.copyWithin(i, i + 1, this.n);
        this.qtys.copyWithin(i, i + 1, this.n);
        this.n--;
      }
      return;
    }
    if (exists) {
      this.qtys[i] = qty;
      return;
    }
    if (this.n === this.prices.length) {
      const p = new Float64Array(this.n * 2);
      p.set(this.prices);
      const q = new Float64Array(this.n * 2);
      q.set(this.qtys);
      this.prices = p;
      this.qtys = q;
    }
    this.prices.copyWithin(i + 1, i, this.n);
    this.qtys.copyWithin(i + 1, i, this.n);
    this.prices[i] = price;
    this.qtys[i] = qty;
    this.n++;
  }

  /** Drops levels strictly better than `price` (stale levels a partial book never saw removed). */
  dropBetterThan(price: number): void {
    const desc = this.descending;
    let k = 0;
    while (k < this.n && (desc ? this.prices[k]! > price : this.prices[k]! < price)) k++;
    if (k === 0) return;
    this.prices.copyWithin(0, k, this.n);
    this.qtys.copyWithin(0, k, this.n);
    this.n -= k;
  }

  clear(): void {
    this.n = 0;
  }
}

/**
 * An L2 order book built from snapshots and diffs the way Binance documents it: after a snapshot,
 * diffs whose last update id is at or below the snapshot's are stale and dropped. Without a
 * snapshot the book is partial: only touched levels are known, and a ticker's best bid/ask prunes
 * levels that must have gone.
 */
export class OrderBook implements BookView {
  private readonly bids = new Side(true);
  private readonly asks = new Side(false);
  private snapshotId = -1;
  complete = false;
  updatedAt = 0;
  lastTradePrice = Number.NaN;
  /** Diffs dropped because a snapshot already contained them. */
  staleDiffs = 0;

  /** Applies a snapshot or diff; returns false when the diff was stale and ignored. */
  apply(u: BookUpdate): boolean {
    if (u.kind === 'snapshot') {
      this.bids.clear();
      this.asks.clear();
      for (const [p, q] of u.bids) this.bids.set(p, q);
      for (const [p, q] of u.asks) this.asks.set(p, q);
      this.snapshotId = u.lastUpdateId ?? -1;
      this.complete = true;
      this.updatedAt = u.eventTime;
      return true;
    }
    if (this.snapshotId >= 0 && u.lastUpdateId !== undefined && u.lastUpdateId <= this.snapshotId) {
      this.staleDiffs++;
      return false;
    }
    for (const [p, q] of u.bids) this.bids.set(p, q);
    for (const [p, q] of u.asks) this.asks.set(p, q);
    this.uncross();
    this.updatedAt = Math.max(this.updatedAt, u.eventTime);
    return true;
  }

  /** A best bid/ask quote: authoritative for the touch, so it also clears stale better levels. */
  applyTicker(t: Ticker): void {
    this.bids.dropBetterThan(t.bidPrice);
    this.asks.dropBetterThan(t.askPrice);
    this.bids.set(t.bidPrice, t.bidQty);
    this.asks.set(t.askPrice, t.askQty);
    this.updatedAt = Math.max(this.updatedAt, t.eventTime);
  }

  /** A partial book can hold a stale level on the far side of the touch; the newer side wins. */
  private uncross(): void {
    if (this.bids.n === 0 || this.asks.n === 0) return;
    if (this.bids.prices[0]! < this.asks.prices[0]!) return;
    this.bids.dropBetterThan(this.asks.prices[0]!);
    if (this.bids.n > 0 && this.bids.prices[0]! >= this.asks.prices[0]!)
      this.asks.dropBetterThan(this.bids.prices[0]!);
  }

  get bidLevels(): number {
    return this.bids.n;
  }
  get askLevels(): number {
    return this.asks.n;
  }
  bidPrice(i: number): number {
    return i < this.bids.n ? this.bids.prices[i]! : Number.NaN;
  }
  bidQty(i: number): number {
    return i < this.bids.n ? this.bids.qtys[i]! : Number.NaN;
  }
  askPrice(i: number): number {
    return i < this.asks.n ? this.asks.prices[i]! : Number.NaN;
  }
  askQty(i: number): number {
    return i < this.asks.n ? this.asks.qtys[i]! : Number.NaN;
  }
  mid(): number {
    if (this.bids.n === 0 || this.asks.n === 0) return Number.NaN;
    return (this.bids.prices[0]! + this.asks.prices[0]!) / 2;
  }
  fairPrice(): number {
    const m = this.mid();
    return Number.isNaN(m) ? this.lastTradePrice : m;
  }
  /** Records a trade's price (the book's levels are not touched: the depth feed reports those). */
  applyTrade(price: number): void {
    this.lastTradePrice = price;
  }

  toJSON(): unknown {
    return {
      b: Array.from(this.bids.prices.subarray(0, this.bids.n)),
      bq: Array.from(this.bids.qtys.subarray(0, this.bids.n)),
      a: Array.from(this.asks.prices.subarray(0, this.asks.n)),
      aq: Array.from(this.asks.qtys.subarray(0, this.asks.n)),
      s: this.snapshotId,
      c: this.complete,
      t: this.updatedAt,
      lt: Number.isNaN(this.lastTradePrice) ? null : this.lastTradePrice,
    };
  }

  static fromJSON(json: unknown): OrderBook {
    const j = json as {
      b: number[];
      bq: number[];
      a: number[];
      aq: number[];
      s: number;
      c: boolean;
      t: number;
      lt?: number | null;
    };
    const book = new OrderBook();
    j.b.forEach((p, i) => book.bids.set(p, j.bq[i]!));
    j.a.forEach((p, i) => book.asks.set(p, j.aq[i]!));
    book.snapshotId = j.s;
    book.complete = j.c;
    book.updatedAt = j.t;
    book.lastTradePrice = j.lt ?? Number.NaN;
    return book;
  }
}
