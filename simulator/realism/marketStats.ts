import type { InputEvent } from '../../schemas/event.ts';

/** Statistics of one venue-symbol stream, computed the same way for real captures and the simulator. */
export interface StreamStats {
  readonly venue: string;
  readonly symbol: string;
  readonly durationS: number;
  readonly trades: number;
  readonly tradesPerSec: number;
  /** Gaps between consecutive trades, ms, sorted ascending. */
  readonly tradeGapsMs: Float64Array;
  /** Share of trades printed in the same millisecond as the previous one (one taker sweeping makers). */
  readonly sameMsShare: number;
  /** Coefficient of variation of the gaps: 1 for a Poisson process, more when trades cluster. */
  readonly gapCv: number;
  /** Trade sizes divided by the median size, sorted ascending. */
  readonly relSizes: Float64Array;
  /** Hill estimate of the tail exponent of trade sizes over the largest 5 %. */
  readonly sizeTailExponent: number;
  /** Quoted spread in basis points of the mid, sampled every 100 ms of event time, sorted. */
  readonly spreadBps: Float64Array;
  /** Share of samples with the spread at its minimum (one tick). */
  readonly oneTickShare: number;
  /** Top-of-book imbalance (bidQty - askQty) / (bidQty + askQty), sampled every 100 ms. */
  readonly imbalance: Float64Array;
  /** Lag-1 s autocorrelation of the 100 ms imbalance samples. */
  readonly imbalanceAutocorr1s: number;
  /** Liquidity removed from the book other than by trades, per unit added, from the depth diffs. */
  readonly cancelVolumeRatio: number;
  /** Cancelled orders per new order, from order events (only where the feed has them). */
  readonly cancelOrderRatio: number | null;
  /** Mid price at the end of every second, for returns and cross-asset correlation. */
  readonly mid1s: Float64Array;
  /** Excess kurtosis of 1 s log returns of the mid. */
  readonly returnKurtosis1s: number;
}

interface KeyAcc {
  venue: string;
  symbol: string;
  first: number;
  last: number;
  lastTrade: number;
  gaps: number[];
  sizes: number[];
  bid: number;
  ask: number;
  bidQty: number;
  askQty: number;
  nextSample: number;
  spreads: number[];
  imbalance: number[];
  bids: Map<number, number>;
  asks: Map<number, number>;
  /** Traded quantity per price since the last diff, by the side of the book it hit. */
  tradedBid: Map<number, number>;
  tradedAsk: Map<number, number>;
  added: number;
  cancelled: number;
  newOrders: number;
  cancelOrders: number;
  nextSecond: number;
  mids: number[];
}

const SAMPLE_MS = 100;
/** Levels further than this from the mid are ignored by the cancel estimate (sparse, noisy far book). */
const NEAR_BOOK = 0.01;

/**
 * Collects per venue-symbol statistics from a stream of events in event-time order. Spread and
 * imbalance are sampled on a fixed 100 ms event-time grid rather than per quote, so a venue that
 * sends more quotes in busy moments is not weighted towards them.
 */
export class MarketStatsCollector {
  private readonly keys = new Map<string, KeyAcc>();

  add(e: InputEvent): void {
    if (e.type !== 'trade' && e.type !== 'ticker' && e.type !== 'book' && e.type !== 'order') return;
    const k = this.acc(e.venue, e.symbol, e.eventTime);
    this.sampleUpTo(k, e.eventTime);
    k.last = Math.max(k.last, e.eventTime);
    switch (e.type) {
      case 'trade': {
        if (k.lastTrade >= 0) k.gaps.push(Math.max(0, e.eventTime - k.lastTrade));
        k.lastTrade = e.eventTime;
        k.sizes.push(e.quantity);
        const m = e.takerSide === 'buy' ? k.tradedAsk : k.tradedBid;
        m.set(e.price, (m.get(e.price) ?? 0) + e.quantity);
        break;
      }
      case 'ticker':
        k.bid = e.bidPrice;
        k.ask = e.askPrice;
        k.bidQty = e.bidQty;
        k.askQty = e.askQty;
        break;
      case 'book':
        this.applyBook(k, e.kind === 'snapshot', e.bids, e.asks);
        break;
      case 'order':
        if (e.action === 'new') k.newOrders++;
        else if (e.action === 'cancel') k.cancelOrders++;
        break;
    }
  }

  private acc(venue: string, symbol: string, t: number): KeyAcc {
    const id = `${venue}|${symbol}`;
    let k = this.keys.get(id);
    if (!k) {
      k = {
        venue,
        symbol,
        first: t,
        last: t,
        lastTrade: -1,
        gaps: [],
        sizes: [],
        bid: Number.NaN,
        ask: Number.NaN,
        bidQty: 0,
        askQty: 0,
        nextSample: t + SAMPLE_MS,
        spreads: [],
        imbalance: [],
        bids: new Map(),
        asks: new Map(),
        tradedBid: new Map(),
        tradedAsk: new Map(),
        added: 0,
        cancelled: 0,
        newOrders: 0,
        cancelOrders: 0,
        nextSecond: t + 1000,
        mids: [],
      };
      this.keys.set(id, k);
    }
    return k;
  }

  private sampleUpTo(k: KeyAcc, t: number): void {
    const mid = (k.bid + k.ask) / 2;
    while (k.nextSample <= t) {
      if (mid > 0 && k.ask >= k.bid) {
        k.spreads.push(((k.ask - k.bid) / mid) * 1e4);
        const q = k.bidQty + k.askQty;
        if (q > 0) k.imbalance.push((k.bidQty - k.askQty) / q);
      }
      k.nextSample += SAMPLE_MS;
    }
    while (k.nextSecond <= t) {
      k.mids.push(mid > 0 ? mid : Number.NaN);
      k.nextSecond += 1000;
    }
  }

  private applyBook(k: KeyAcc, snapshot: boolean, bids: [number, number][], asks: [number, number][]): void {
    if (snapshot) {
      k.bids = new Map(bids.filter(([, q]) => q > 0));
      k.asks = new Map(asks.filter(([, q]) => q > 0));
    } else {
      const mid = (k.bid + k.ask) / 2;
      const near = (p: number) => !(mid > 0) || Math.abs(p / mid - 1) <= NEAR_BOOK;
      const side = (levels: [number, number][], book: Map<number, number>, traded: Map<number, number>) => {
        for (const [p, q] of levels) {
          const old = book.get(p) ?? 0;
          if (near(p)) {
            if (q > old) k.added += q - old;
            else if (q < old) k.cancelled += Math.max(0, old - q - (traded.get(p) ?? 0));
          }
          if (q > 0) book.set(p, q);
          else book.delete(p);
        }
      };
      side(bids, k.bids, k.tradedBid);
      side(asks, k.asks, k.tradedAsk);
    }
    k.tradedBid.clear();
    k.tradedAsk.clear();
  }

  /** Statistics per venue-symbol, in the order keys were first seen. */
  results(): StreamStats[] {
    return [...this.keys.values()].map(finish);
  }
}

const sorted = (xs: number[]): Float64Array => Float64Array.from(xs).sort();

export function quantile(s: ArrayLike<number>, q: number): number {
  if (s.length === 0) return Number.NaN;
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(s.length - 1, lo + 1);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

export function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return xs.length ? s / xs.length : Number.NaN;
}

function std(xs: ArrayLike<number>): number {
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i]! - m) ** 2;
  return Math.sqrt(s / Math.max(1, xs.length - 1));
}

/** Pearson correlation of two equally long series, skipping pairs where either is not finite. */
export function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < Math.min(a.length, b.length); i++)
    if (Number.isFinite(a[i]!) && Number.isFinite(b[i]!)) {
      xs.push(a[i]!);
      ys.push(b[i]!);
    }
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
    syy += (ys[i]! - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : Number.NaN;
}

/** Log returns between consecutive finite values, NaN where either end is missing. */
export function logReturns(mids: ArrayLike<number>, step = 1): Float64Array {
  const out = new Float64Array(Math.max(0, Math.floor((mids.length - 1) / step)));
  for (let i = 0; i < out.length; i++) out[i] = Math.log(mids[(i + 1) * step]! / mids[i * step]!);
  return out;
}

function hill(sortedAsc: Float64Array, share: number): number {
  const k = Math.floor(sortedAsc.length * share);
  if (k < 10) return Number.NaN;
  const xk = sortedAsc[sortedAsc.length - k - 1]!;
  if (!(xk > 0)) return Number.NaN;
  let s = 0;
  for (let i = sortedAsc.length - k; i < sortedAsc.length; i++) s += Math.log(sortedAsc[i]! / xk);
  return k / s;
}

function finish(k: KeyAcc): StreamStats {
  const durationS = (k.last - k.first) / 1000;
  const gaps = sorted(k.gaps);
  const sizes = sorted(k.sizes);
  const med = quantile(sizes, 0.5);
  const rel = sizes.map((s) => s / med);
  const spreads = sorted(k.spreads);
  const minSpread = spreads.length ? spreads[0]! : Number.NaN;
  let oneTick = 0;
  // The tick in bps drifts with the price; 1.5 ticks separates one tick from two.
  for (const s of spreads) if (s <= minSpread * 1.5) oneTick++;
  const imb = Float64Array.from(k.imbalance);
  let zero = 0;
  for (const g of gaps) if (g === 0) zero++;
  const rets = Array.from(logReturns(k.mids)).filter(Number.isFinite);
  const m = mean(rets);
  const sd = std(rets);
  let m4 = 0;
  for (const r of rets) m4 += ((r - m) / sd) ** 4;
  return {
    venue: k.venue,
    symbol: k.symbol,
    durationS,
    trades: k.sizes.length,
    tradesPerSec: durationS > 0 ? k.sizes.length / durationS : Number.NaN,
    tradeGapsMs: gaps,
    sameMsShare: gaps.length ? zero / gaps.length : Number.NaN,
    gapCv: std(gaps) / mean(gaps),
    relSizes: rel,
    sizeTailExponent: hill(rel, 0.05),
    spreadBps: spreads,
    oneTickShare: spreads.length ? oneTick / spreads.length : Number.NaN,
    imbalance: imb,
    imbalanceAutocorr1s: correlation(imb.subarray(0, imb.length - 10), imb.subarray(10)),
    cancelVolumeRatio: k.added > 0 ? k.cancelled / k.added : Number.NaN,
    cancelOrderRatio: k.newOrders > 0 ? k.cancelOrders / k.newOrders : null,
    mid1s: Float64Array.from(k.mids),
    returnKurtosis1s: rets.length > 10 && sd > 0 ? m4 / rets.length - 3 : Number.NaN,
  };
}
