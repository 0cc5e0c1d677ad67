import { beforeAll, describe, expect, it } from 'vitest';
import { OrderBook } from '../../../features/book/orderBook.ts';
import type { FeatureState } from '../../../features/feature.ts';
import { CrossAssetStage, crossAssetFeatures, orderFlowFeatures } from '../../../features/index.ts';
import { applyToBook } from './support/marketStream.ts';
import { mergeCaptures } from './support/binanceCaptures.ts';

/** Features that need the venue's own order entries, which public market-data feeds do not carry. */
const ORDER_ENTRY = ['order_arrival_rate', 'cancel_rate', 'order_distance_from_mid'];

interface Track {
  defined: number;
  after: number;
  nonFinite: number;
}

const names = orderFlowFeatures.map((f) => f.name);
/** Per key and feature: values counted from the first defined one on. */
const tracks = new Map<string, Track[]>();
/** Values at hand-checked events, by event id. */
const at = new Map<string, Record<string, number | undefined>>();
const PINNED = new Set(['binance-spot:BTCUSDT:ticker:50093239212', 'binance-spot:BTCUSDT:trade:3735686258']);

beforeAll(() => {
  // Spot and coin-margined perpetual captures, the whole of 8 Aug 2024 23:54-23:59, in receive order.
  const events = mergeCaptures(['spot/btcusdt_20240808.gz', 'cm/ethusd_perp_20240808.gz']);
  const keys = new Map<string, { book: OrderBook; states: FeatureState[] }>();
  for (const event of events) {
    if (event.type !== 'book' && event.type !== 'ticker' && event.type !== 'trade') continue;
    const key = `${event.venue}:${event.symbol}`;
    let k = keys.get(key);
    if (!k) {
      keys.set(key, (k = { book: new OrderBook(), states: orderFlowFeatures.map((f) => f.create()) }));
      tracks.set(
        key,
        names.map(() => ({ defined: 0, after: 0, nonFinite: 0 })),
      );
    }
    if (!applyToBook(k.book, event)) continue;
    const tr = tracks.get(key)!;
    const pinned = PINNED.has(event.eventId) ? ({} as Record<string, number | undefined>) : undefined;
    orderFlowFeatures.forEach((f, i) => {
      const st = k.states[i]!;
      if (f.inputs.includes(event.type)) st.update({ event, book: k.book });
      const v = st.value();
      const t = tr[i]!;
      if (v !== undefined || t.defined > 0) {
        t.after++;
        if (v !== undefined) t.defined++;
        if (v !== undefined && !Number.isFinite(v)) t.nonFinite++;
      }
      if (pinned) pinned[f.name] = v;
    });
    if (pinned) at.set(event.eventId, pinned);
  }
});

describe('order-flow features - real Binance captures (spot BTCUSDT, coin-margined ETHUSD_PERP)', () => {
  it('every feature is finite after its warm-up, except those that need order entries', () => {
    expect([...tracks.keys()].sort()).toEqual(['binance-cm:ETHUSD_PERP', 'binance-spot:BTCUSDT']);
    for (const [key, tr] of tracks)
      names.forEach((name, i) => {
        const t = tr[i]!;
        if (ORDER_ENTRY.includes(name)) {
          expect(t.defined, `${key} ${name}`).toBe(0);
          return;
        }
        expect(t.defined, `${key} ${name} never warms up`).toBeGreaterThan(1_000);
        expect(t.nonFinite, `${key} ${name}`).toBe(0);
        expect(t.defined / t.after, `${key} ${name} defined share after warm-up`).toBe(1);
      });
  });

  it('gives the values worked out by hand from the raw messages', () => {
    // First spot bookTicker after the snapshot: b 61837.63 x 3.78826, a 61837.64 x 1.54698.
    const tick = at.get('binance-spot:BTCUSDT:ticker:50093239212')!;
    expect(tick['book_imbalance_touch']).toBeCloseTo((3.78826 - 1.54698) / (3.78826 + 1.54698), 12); // 0.42009
    expect(tick['quoted_spread']).toBeCloseTo((0.01 / 61837.635) * 1e4, 12); // 0.0016171 bps
    // The 3 000th spot trade (id 3735686258, T 1723161412186), 156.8 s into the capture.
    const trade = at.get('binance-spot:BTCUSDT:trade:3735686258')!;
    expect(trade['taker_imbalance']).toBeCloseTo(-0.7408547332312662, 10); // 121 trades in the last 10 s
    expect(trade['trade_size_mean']).toBeCloseTo(0.01440538617886179, 12); // 984 trades in the last 60 s
    expect(trade['trade_size_max']).toBe(0.6);
    expect(trade['rush_orders']).toBe(81); // >= 3 fills at one timestamp and side, last 60 s
    expect(trade['wash_trade_share']).toBe(0); // public trades name no accounts
  });
});

describe('cross-asset features - real Binance captures, three venues, BTC and ETH', () => {
  const frames = new Map<
    string,
    { names: readonly string[]; defined: number[]; after: number[]; nonFinite: number[] }
  >();
  const basisAt = new Map<string, number>();

  beforeAll(() => {
    // Mids from the best bid/ask stream of all six captures of 8 Aug, merged in receive order.
    const files = [
      'spot/btcusdt',
      'spot/ethusdt',
      'usdm/btcusdt',
      'usdm/ethusdt',
      'cm/btcusd_perp',
      'cm/ethusd_perp',
    ];
    const events = mergeCaptures(files.map((f) => [`${f}_20240808.gz`, '@bookTicker'] as [string, string]));
    const stage = new CrossAssetStage(crossAssetFeatures);
    for (const e of events) {
      if (e.type !== 'ticker') continue;
      for (const f of stage.onMid(e.venue, e.symbol, (e.bidPrice + e.askPrice) / 2, e.eventTime)) {
        let s = frames.get(f.key);
        if (!s) {
          const z = () => f.names.map(() => 0);
          frames.set(f.key, (s = { names: f.names, defined: z(), after: z(), nonFinite: z() }));
        }
        f.values.forEach((v, i) => {
          if (!Number.isNaN(v) || s.defined[i]! > 0) {
            s.after[i]!++;
            if (!Number.isNaN(v)) s.defined[i]!++;
            if (!Number.isNaN(v) && !Number.isFinite(v)) s.nonFinite[i]!++;
          }
        });
        if (f.eventTime === 1_723_161_300_000) basisAt.set(f.key, f.values[f.names.indexOf('basis')]!);
      }
    }
  });

  it('pairs each asset across the three venues and the two assets on each venue', () => {
    expect(frames.size).toBe(9);
    const kinds = [...frames.keys()];
    expect(kinds.filter((k) => /BTC.*\|.*BTC|ETH.*\|.*ETH/.test(k))).toHaveLength(6);
  });

  it('every feature of every pair is finite on every tick after its warm-up', () => {
    for (const [key, s] of frames)
      s.names.forEach((name, i) => {
        expect(s.defined[i], `${key} ${name} never warms up`).toBeGreaterThan(40);
        expect(s.nonFinite[i], `${key} ${name}`).toBe(0);
        expect(s.defined[i]! / s.after[i]!, `${key} ${name}`).toBe(1);
      });
  });

  it('gives the basis worked out by hand at 23:55:00.000', () => {
    // Mids as of the tick: coin-margined 61809.05 (T 23:54:59.910), spot 61831.995 (23:54:59.962).
    expect(basisAt.get('pair:binance-cm:BTCUSD_PERP|binance-spot:BTCUSDT')).toBeCloseTo(
      Math.log(61809.05 / 61831.995) * 1e4,
      9,
    );
    expect(basisAt.get('pair:binance-cm:BTCUSD_PERP|binance-spot:BTCUSDT')).toBeCloseTo(-3.71155, 4);
  });
});
