import { describe, expect, it } from 'vitest';
import { bookImbalance } from '../../../features/orderflow/bookImbalance.ts';
import { bookImbalanceTop5 } from '../../../features/orderflow/bookImbalanceTop5.ts';
import { cancelRate } from '../../../features/orderflow/cancelRate.ts';
import { cancelToTrade } from '../../../features/orderflow/cancelToTrade.ts';
import { depthDepletion } from '../../../features/orderflow/depthDepletion.ts';
import { largeTradeShare } from '../../../features/orderflow/largeTradeShare.ts';
import { midReturn } from '../../../features/orderflow/midReturn.ts';
import { orderArrivalRate } from '../../../features/orderflow/orderArrivalRate.ts';
import { orderDistance } from '../../../features/orderflow/orderDistance.ts';
import { orderFlowImbalance } from '../../../features/orderflow/orderFlowImbalance.ts';
import { orderToTrade } from '../../../features/orderflow/orderToTrade.ts';
import { quoteStuffing } from '../../../features/orderflow/quoteStuffing.ts';
import { quotedSpread } from '../../../features/orderflow/quotedSpread.ts';
import { realizedVolatility } from '../../../features/orderflow/realizedVolatility.ts';
import { rushOrders } from '../../../features/orderflow/rushOrders.ts';
import { spreadVolatility } from '../../../features/orderflow/spreadVolatility.ts';
import { takerImbalance } from '../../../features/orderflow/takerImbalance.ts';
import { tradeIntensity } from '../../../features/orderflow/tradeIntensity.ts';
import { tradeSizeDispersion } from '../../../features/orderflow/tradeSizeDispersion.ts';
import { tradeSizeMax } from '../../../features/orderflow/tradeSizeMax.ts';
import { tradeSizeMean } from '../../../features/orderflow/tradeSizeMean.ts';
import { vwapDeviation } from '../../../features/orderflow/vwapDeviation.ts';
import { washTradeShare } from '../../../features/orderflow/washTradeShare.ts';
import type { OrderEvent, Trade } from '../../../schemas/market.ts';
import type { Step } from './support/marketStream.ts';
import {
  checkAgainstNaive,
  decay,
  maxTime,
  mean,
  minTime,
  naiveRate,
  naiveTimeEwma,
  sampleStd,
} from './support/naive.ts';

const trades = (steps: readonly Step[]): Trade[] =>
  steps.flatMap((s) => (s.event.type === 'trade' ? [s.event] : []));
const orders = (steps: readonly Step[]): OrderEvent[] =>
  steps.flatMap((s) => (s.event.type === 'order' ? [s.event] : []));
const ones = (n: number): number[] => new Array<number>(n).fill(1);
/** Events in the sliding window (now - W, now]. */
const inWindow = <T extends { eventTime: number }>(xs: readonly T[], now: number, w: number): T[] =>
  xs.filter((x) => x.eventTime > now - w);
const spread = (s: Step): number => {
  const b = s.book.bids[0]?.[0] ?? NaN;
  const a = s.book.asks[0]?.[0] ?? NaN;
  return ((a - b) / ((a + b) / 2)) * 1e4;
};
const depth = (lv: [number, number][], n: number): number => lv.slice(0, n).reduce((x, [, q]) => x + q, 0);
const short = { windowMs: 4_000, warmupMs: 3_000 };

describe('order-flow features - match a naive full recomputation on random streams', () => {
  it('trade_intensity', () =>
    expect(
      checkAgainstNaive(
        tradeIntensity,
        (steps, p) => {
          const ts = trades(steps).map((t) => t.eventTime);
          const r = naiveRate(ts, ones(ts.length), p.halfLifeMs);
          return ts.length > 0 && r.age >= p.warmupMs ? r.rate : undefined;
        },
        { params: { halfLifeMs: 2_000, warmupMs: 3_000 } },
      ),
    ).toBeGreaterThan(0));

  it('order_arrival_rate', () =>
    expect(
      checkAgainstNaive(
        orderArrivalRate,
        (steps, p) => {
          const ts = orders(steps)
            .filter((o) => o.action === 'new')
            .map((o) => o.eventTime);
          const r = naiveRate(ts, ones(ts.length), p.halfLifeMs);
          return ts.length > 0 && r.age >= p.warmupMs ? r.rate : undefined;
        },
        { params: { halfLifeMs: 2_000, warmupMs: 3_000 } },
      ),
    ).toBeGreaterThan(0));

  it('cancel_rate', () =>
    expect(
      checkAgainstNaive(
        cancelRate,
        (steps, p) => {
          const ts = orders(steps)
            .filter((o) => o.action === 'cancel')
            .map((o) => o.eventTime);
          const r = naiveRate(ts, ones(ts.length), p.halfLifeMs);
          return ts.length > 0 && r.age >= p.warmupMs ? r.rate : undefined;
        },
        { params: { halfLifeMs: 2_000, warmupMs: 3_000 } },
      ),
    ).toBeGreaterThan(0));

  const ratio = (num: number[], den: number[], p: { halfLifeMs: number; warmupMs: number }) => {
    const a = naiveRate(num, ones(num.length), p.halfLifeMs);
    const b = naiveRate(den, ones(den.length), p.halfLifeMs);
    const last = Math.max(...[a.last, b.last].filter((x) => !Number.isNaN(x)));
    if (!Number.isFinite(last)) return undefined;
    const age = (r: typeof a) => (Number.isNaN(r.first) ? 0 : last - r.first);
    if (Math.max(age(a), age(b)) < p.warmupMs) return undefined;
    const cnt = (r: typeof a) => (Number.isNaN(r.last) ? 0 : r.count * decay(last, r.last, p.halfLifeMs));
    return cnt(a) / (cnt(b) + 1);
  };

  it('cancel_to_trade', () =>
    expect(
      checkAgainstNaive(
        cancelToTrade,
        (steps, p) => {
          const c = orders(steps)
            .filter((o) => o.action === 'cancel')
            .map((o) => o.eventTime);
          return ratio(
            c,
            trades(steps).map((t) => t.eventTime),
            p,
          );
        },
        { params: { halfLifeMs: 3_000, warmupMs: 2_000 } },
      ),
    ).toBeGreaterThan(0));

  it('order_to_trade', () =>
    expect(
      checkAgainstNaive(
        orderToTrade,
        (steps, p) => {
          const o = orders(steps)
            .filter((x) => x.action === 'new')
            .map((x) => x.eventTime);
          return ratio(
            o,
            trades(steps).map((t) => t.eventTime),
            p,
          );
        },
        { params: { halfLifeMs: 3_000, warmupMs: 2_000 } },
      ),
    ).toBeGreaterThan(0));

  it('quote_stuffing_score', () =>
    expect(
      checkAgainstNaive(
        quoteStuffing,
        (steps, p) => {
          const ts: number[] = [];
          const ns: number[] = [];
          for (const { event: e } of steps) {
            const n =
              e.type === 'order'
                ? e.action === 'fill'
                  ? 0
                  : 1
                : e.type === 'book'
                  ? e.kind === 'update'
                    ? e.bids.length + e.asks.length
                    : 0
                  : e.type === 'ticker'
                    ? 1
                    : 0;
            if (n > 0) {
              ts.push(e.eventTime);
              ns.push(n);
            }
          }
          if (ts.length === 0) return undefined;
          const s = naiveRate(ts, ns, p.shortHalfLifeMs);
          const l = naiveRate(ts, ns, p.longHalfLifeMs);
          if (l.age < p.warmupMs) return undefined;
          return s.rate / Math.max(l.rate, p.floorPerSec);
        },
        { params: { shortHalfLifeMs: 500, longHalfLifeMs: 5_000, warmupMs: 3_000 } },
      ),
    ).toBeGreaterThan(0));

  it('taker_imbalance', () =>
    expect(
      checkAgainstNaive(
        takerImbalance,
        (steps, p) => {
          const ts = trades(steps);
          const now = maxTime(steps);
          if (now - minTime(steps) < p.warmupMs) return undefined;
          const w = inWindow(ts, now, p.windowMs);
          const tot = w.reduce((a, t) => a + t.quantity, 0);
          const net = w.reduce((a, t) => a + (t.takerSide === 'buy' ? t.quantity : -t.quantity), 0);
          return tot > 0 ? net / tot : 0;
        },
        { params: short },
      ),
    ).toBeGreaterThan(0));

  it('book_imbalance_touch', () =>
    expect(
      checkAgainstNaive(bookImbalance, (steps) => {
        const b = steps.at(-1)!.book;
        const qb = b.bids[0]?.[1] ?? NaN;
        const qa = b.asks[0]?.[1] ?? NaN;
        return qb + qa > 0 ? (qb - qa) / (qb + qa) : undefined;
      }),
    ).toBeGreaterThan(0));

  it('book_imbalance_top5', () =>
    expect(
      checkAgainstNaive(bookImbalanceTop5, (steps) => {
        const b = steps.at(-1)!.book;
        const qb = depth(b.bids, 5);
        const qa = depth(b.asks, 5);
        return qb > 0 && qa > 0 ? (qb - qa) / (qb + qa) : undefined;
      }),
    ).toBeGreaterThan(0));

  it('order_flow_imbalance', () =>
    expect(
      checkAgainstNaive(
        orderFlowImbalance,
        (steps, p) => {
          const rows: { eventTime: number; e: number; d: number }[] = [];
          let prev: number[] | undefined;
          for (const s of steps) {
            const [b, bq] = s.book.bids[0] ?? [NaN, NaN];
            const [a, aq] = s.book.asks[0] ?? [NaN, NaN];
            if (Number.isNaN(b) || Number.isNaN(a)) continue;
            if (prev) {
              const [pb, pbq, pa, paq] = prev as [number, number, number, number];
              const e = (b >= pb ? bq : 0) - (b <= pb ? pbq : 0) - (a <= pa ? aq : 0) + (a >= pa ? paq : 0);
              rows.push({ eventTime: s.event.eventTime, e, d: (bq + aq) / 2 });
            }
            prev = [b, bq, a, aq];
          }
          const now = maxTime(steps);
          if (now - minTime(steps) < p.warmupMs) return undefined;
          const w = inWindow(rows, now, p.windowMs);
          if (w.length === 0) return 0;
          const dm = w.reduce((x, r) => x + r.d, 0) / w.length;
          return dm > 0 ? w.reduce((x, r) => x + r.e, 0) / dm : 0;
        },
        { params: short, tol: 1e-7 },
      ),
    ).toBeGreaterThan(0));

  it('quoted_spread', () =>
    expect(
      checkAgainstNaive(quotedSpread, (steps) => {
        const s = spread(steps.at(-1)!);
        return Number.isNaN(s) ? undefined : s;
      }),
    ).toBeGreaterThan(0));

  it('spread_volatility', () =>
    expect(
      checkAgainstNaive(
        spreadVolatility,
        (steps, p) => {
          const xs = steps
            .map((s) => ({ eventTime: s.event.eventTime, v: spread(s) }))
            .filter((x) => Number.isFinite(x.v));
          const now = maxTime(steps);
          const w = inWindow(xs, now, p.windowMs);
          if (now - minTime(steps) < p.warmupMs || w.length < 2) return undefined;
          return sampleStd(w.map((x) => x.v));
          // Spreads are ~100 bps here: a std of exactly 0 comes out within ~1e-6 bps of it.
        },
        { params: short, tol: 1e-7, abs: 1e-5 },
      ),
    ).toBeGreaterThan(0));

  it('mid_return', () =>
    expect(
      checkAgainstNaive(
        midReturn,
        (steps, p) => {
          // The feature follows the fair price forward in time and ignores late updates.
          let time = NaN;
          let mid = NaN;
          const changes: { t: number; m: number }[] = [];
          for (const s of steps) {
            const m = s.book.fair;
            if (!(m > 0) || s.event.eventTime < time) continue;
            time = s.event.eventTime;
            if (m !== mid) {
              mid = m;
              changes.push({ t: time, m });
            }
          }
          const asOf = changes.filter((c) => c.t <= time - p.horizonMs).at(-1);
          return asOf ? Math.log(mid / asOf.m) : undefined;
        },
        { params: { horizonMs: 3_000 } },
      ),
    ).toBeGreaterThan(0));

  it('realized_volatility', () =>
    expect(
      checkAgainstNaive(
        realizedVolatility,
        (steps, p) => {
          let mid = NaN;
          let t0 = NaN;
          let first = NaN;
          const xs: number[] = [];
          const ts: number[] = [];
          for (const s of steps) {
            const m = s.book.fair;
            const t = s.event.eventTime;
            if (!(m > 0) || m === mid) continue;
            if (!Number.isNaN(mid) && t >= t0) {
              const r = Math.log(m / mid);
              xs.push((r * r) / (Math.max(t - t0, 1) / 1000));
              ts.push(t);
            }
            if (Number.isNaN(first)) first = t;
            mid = m;
            t0 = Math.max(Number.isNaN(t0) ? t : t0, t);
          }
          const e = naiveTimeEwma(xs, ts, p.halfLifeMs);
          return e.count > 0 && t0 - first >= p.warmupMs ? Math.sqrt(e.mean) : undefined;
        },
        { params: { halfLifeMs: 3_000, warmupMs: 2_000 }, tol: 1e-7 },
      ),
    ).toBeGreaterThan(0));

  it('vwap_deviation', () =>
    expect(
      checkAgainstNaive(
        vwapDeviation,
        (steps, p) => {
          const now = maxTime(steps);
          const fair = steps
            .map((s) => s.book.fair)
            .filter((f) => f > 0)
            .at(-1);
          if (now - minTime(steps) < p.warmupMs || fair === undefined) return undefined;
          const w = inWindow(trades(steps), now, p.windowMs);
          const q = w.reduce((a, t) => a + t.quantity, 0);
          if (!(q > 0)) return undefined;
          return (fair / (w.reduce((a, t) => a + t.price * t.quantity, 0) / q) - 1) * 1e4;
        },
        { params: short, tol: 1e-7 },
      ),
    ).toBeGreaterThan(0));

  const sizeWindow = (steps: readonly Step[], p: { windowMs: number; warmupMs: number }) => {
    const ts = trades(steps);
    if (ts.length === 0) return undefined;
    const now = Math.max(...ts.map((t) => t.eventTime));
    const first = Math.min(...ts.map((t) => t.eventTime));
    if (now - first < p.warmupMs) return undefined;
    return inWindow(ts, now, p.windowMs).map((t) => t.quantity);
  };

  it('trade_size_mean', () =>
    expect(
      checkAgainstNaive(
        tradeSizeMean,
        (steps, p) => {
          const q = sizeWindow(steps, p);
          return q && q.length > 0 ? mean(q) : undefined;
        },
        { params: short, tol: 1e-9 },
      ),
    ).toBeGreaterThan(0));

  it('trade_size_dispersion', () =>
    expect(
      checkAgainstNaive(
        tradeSizeDispersion,
        (steps, p) => {
          const q = sizeWindow(steps, p);
          return q && q.length >= 2 ? sampleStd(q) / mean(q) : undefined;
        },
        { params: short, tol: 1e-7 },
      ),
    ).toBeGreaterThan(0));

  it('trade_size_max', () =>
    expect(
      checkAgainstNaive(
        tradeSizeMax,
        (steps, p) => {
          const q = sizeWindow(steps, p);
          return q && q.length > 0 ? Math.max(...q) : undefined;
        },
        { params: short },
      ),
    ).toBeGreaterThan(0));

  it('large_trade_share', () =>
    expect(
      checkAgainstNaive(
        largeTradeShare,
        (steps, p) => {
          const ts = trades(steps);
          if (ts.length === 0) return undefined;
          const large = ts.map((t, i) => {
            const prior = ts.slice(0, i);
            const e = naiveTimeEwma(
              prior.map((x) => x.quantity),
              prior.map((x) => x.eventTime),
              p.baselineHalfLifeMs,
            );
            return e.count > 0 && t.quantity >= p.multiple * e.mean;
          });
          const now = Math.max(...ts.map((t) => t.eventTime));
          if (now - Math.min(...ts.map((t) => t.eventTime)) < p.warmupMs) return undefined;
          let l = 0;
          let all = 0;
          ts.forEach((t, i) => {
            if (t.eventTime <= now - p.windowMs) return;
            all += t.quantity;
            if (large[i]) l += t.quantity;
          });
          return all > 0 ? l / all : 0;
        },
        { params: { windowMs: 4_000, warmupMs: 3_000, baselineHalfLifeMs: 5_000, multiple: 2 }, tol: 1e-9 },
      ),
    ).toBeGreaterThan(0));

  it('rush_orders', () =>
    expect(
      checkAgainstNaive(
        rushOrders,
        (steps, p) => {
          const ts = trades(steps);
          if (ts.length === 0) return undefined;
          const rush: { eventTime: number }[] = [];
          let n = 0;
          ts.forEach((t, i) => {
            const prev = ts[i - 1];
            n = prev && prev.eventTime === t.eventTime && prev.takerSide === t.takerSide ? n + 1 : 1;
            if (n === p.minFills) rush.push(t);
          });
          const now = Math.max(...ts.map((t) => t.eventTime));
          if (now - Math.min(...ts.map((t) => t.eventTime)) < p.warmupMs) return undefined;
          return inWindow(rush, now, p.windowMs).length;
        },
        { params: { windowMs: 4_000, warmupMs: 3_000, minFills: 2 } },
      ),
    ).toBeGreaterThan(0));

  it('depth_depletion', () =>
    expect(
      checkAgainstNaive(
        depthDepletion,
        (steps, p) => {
          const ds = steps
            .map((s) => ({
              eventTime: s.event.eventTime,
              d: depth(s.book.bids, p.levels) + depth(s.book.asks, p.levels),
            }))
            .filter((x) => x.d > 0);
          const now = maxTime(steps);
          const w = inWindow(ds, now, p.windowMs);
          if (now - minTime(steps) < p.warmupMs || w.length === 0) return undefined;
          return Math.max(0, 1 - ds.at(-1)!.d / Math.max(...w.map((x) => x.d)));
        },
        { params: { windowMs: 4_000, warmupMs: 3_000, levels: 3 } },
      ),
    ).toBeGreaterThan(0));

  it('order_distance_from_mid', () =>
    expect(
      checkAgainstNaive(
        orderDistance,
        (steps, p) => {
          const xs = steps.flatMap((s) =>
            s.event.type === 'order' &&
            (s.event.action === 'new' || s.event.action === 'modify') &&
            s.book.fair > 0
              ? [{ eventTime: s.event.eventTime, d: Math.abs(s.event.price / s.book.fair - 1) * 1e4 }]
              : [],
          );
          const w = inWindow(xs, maxTime(steps), p.windowMs);
          return w.length > 0 ? Math.max(...w.map((x) => x.d)) : 0;
        },
        { params: { windowMs: 4_000 } },
      ),
    ).toBeGreaterThan(0));

  it('wash_trade_share', () =>
    expect(
      checkAgainstNaive(
        washTradeShare,
        (steps, p) => {
          const ts = trades(steps);
          const now = maxTime(steps);
          if (now - minTime(steps) < p.warmupMs) return undefined;
          const w = inWindow(ts, now, p.windowMs);
          const tot = w.reduce((a, t) => a + t.quantity, 0);
          const wash = w.reduce(
            (a, t) => a + (t.buyAccount !== undefined && t.buyAccount === t.sellAccount ? t.quantity : 0),
            0,
          );
          return tot > 0 ? wash / tot : 0;
        },
        { params: { windowMs: 4_000, warmupMs: 1_000 } },
      ),
    ).toBeGreaterThan(0));
});
