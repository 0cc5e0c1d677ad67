import fc from 'fast-check';
import { createRng } from '../../../../core/rng.ts';
import { OrderBook } from '../../../../features/book/orderBook.ts';
import type { Feature, MarketInput } from '../../../../features/feature.ts';
import type { InputEvent } from '../../../../schemas/event.ts';
import type { BookUpdate, OrderEvent, Ticker, Trade } from '../../../../schemas/market.ts';

type Market = OrderEvent | Trade | BookUpdate | Ticker;

const base = (i: number, t: number) => ({
  schemaVersion: 1 as const,
  eventId: `e${i}`,
  venue: 'v',
  symbol: 'BTCUSDT',
  eventTime: t,
});

/** What a naive recomputation needs of the book after an event (plain numbers, not the live book). */
export interface BookSnap {
  bids: [number, number][];
  asks: [number, number][];
  fair: number;
}

/** An event as a feature saw it: the event and the book after it. */
export interface Step {
  event: InputEvent;
  book: BookSnap;
}

function snap(b: OrderBook): BookSnap {
  const bids: [number, number][] = [];
  const asks: [number, number][] = [];
  for (let i = 0; i < Math.min(b.bidLevels, 10); i++) bids.push([b.bidPrice(i), b.bidQty(i)]);
  for (let i = 0; i < Math.min(b.askLevels, 10); i++) asks.push([b.askPrice(i), b.askQty(i)]);
  return { bids, asks, fair: b.fairPrice() };
}

/** Applies an event to a key's book exactly as the pipeline does before calling features. */
export function applyToBook(book: OrderBook, e: InputEvent): boolean {
  if (e.type === 'book') return book.apply(e);
  if (e.type === 'ticker') book.applyTicker(e);
  else if (e.type === 'trade') book.applyTrade(e.price);
  return true;
}

/**
 * Runs one feature over events the way the pipeline does; returns the value after every
 * delivered event and the steps a naive recomputation gets.
 */
export function runMarket<P extends object>(
  feature: Feature<P>,
  events: readonly InputEvent[],
  params?: Partial<P>,
): { values: (number | undefined)[]; steps: Step[] } {
  const book = new OrderBook();
  const st = feature.create(params);
  const values: (number | undefined)[] = [];
  const steps: Step[] = [];
  for (const event of events) {
    if (!applyToBook(book, event)) continue;
    if (!feature.inputs.includes(event.type)) continue;
    const input: MarketInput = { event, book };
    st.update(input);
    values.push(st.value());
    steps.push({ event, book: snap(book) });
  }
  return { values, steps };
}

/** Raw draws from which `buildMarket` makes a plausible stream; fast-check shrinks these. */
const step = fc.record({
  kind: fc.integer({ min: 0, max: 99 }),
  dt: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2_500 })),
  late: fc.oneof(
    { weight: 4, arbitrary: fc.constant(0) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 800 }) },
  ),
  a: fc.integer({ min: -6, max: 6 }),
  b: fc.integer({ min: 0, max: 9 }),
  q: fc.double({ min: 0.001, max: 50, noNaN: true }),
});

export type RawStep = { kind: number; dt: number; late: number; a: number; b: number; q: number };

/** Market streams with snapshots, diffs, tickers, trades and orders, with late events. */
export const marketStream = (maxLength = 80): fc.Arbitrary<InputEvent[]> =>
  fc.array(step, { minLength: 1, maxLength }).map(buildMarket);

/** Turns draws into events: prices on a 0.5 grid around 100, event times with bounded lateness. */
export function buildMarket(raw: readonly RawStep[]): InputEvent[] {
  const out: Market[] = [];
  let t = 1_700_000_000_000;
  let mid = 100;
  raw.forEach((s, i) => {
    t += s.dt;
    const et = t - s.late;
    mid = Math.max(60, mid + s.a * 0.5 * (s.kind % 3 === 0 ? 1 : 0));
    const px = (k: number) => Math.round((mid + k * 0.5) * 2) / 2;
    const acct = ['a1', 'a2', 'a3'][s.b % 3]!;
    if (i === 0 || s.kind < 4) {
      const bids: [number, number][] = [];
      const asks: [number, number][] = [];
      for (let k = 1; k <= 1 + (s.b % 7); k++) {
        bids.push([px(-k), s.q * k]);
        asks.push([px(k), s.q / k + 0.1]);
      }
      out.push({ ...base(i, et), type: 'book', kind: 'snapshot', bids, asks });
    } else if (s.kind < 30) {
      const side = s.b % 2 === 0 ? 'bids' : 'asks';
      const lv: [number, number][] = [
        [px(side === 'bids' ? -1 - (s.b % 4) : 1 + (s.b % 4)), s.b === 9 ? 0 : s.q],
      ];
      out.push({
        ...base(i, et),
        type: 'book',
        kind: 'update',
        bids: side === 'bids' ? lv : [],
        asks: side === 'asks' ? lv : [],
      });
    } else if (s.kind < 42) {
      const bid = px(-1 - (s.b % 2));
      out.push({
        ...base(i, et),
        type: 'ticker',
        bidPrice: bid,
        bidQty: s.q,
        askPrice: px(1),
        askQty: s.q / 2 + s.b,
      });
    } else if (s.kind < 72) {
      const same = s.b < 2;
      out.push({
        ...base(i, et),
        type: 'trade',
        tradeId: `t${i}`,
        price: px(s.a % 2),
        quantity: s.q,
        takerSide: s.a >= 0 ? 'buy' : 'sell',
        ...(s.b < 5 ? { buyAccount: acct, sellAccount: same ? acct : 'a9' } : {}),
      });
    } else {
      const action = (['new', 'new', 'cancel', 'modify', 'fill'] as const)[s.b % 5]!;
      out.push({
        ...base(i, et),
        type: 'order',
        action,
        orderId: `o${i}`,
        account: acct,
        side: s.a >= 0 ? 'buy' : 'sell',
        price: px(s.a * 3),
        quantity: s.q,
      });
    }
  });
  return out;
}

/** A long seeded stream (minutes of event time) for contract and warm-up checks. */
export function longMarketStream(seed: number, n: number): InputEvent[] {
  const rng = createRng(seed);
  const raw: RawStep[] = [];
  for (let i = 0; i < n; i++)
    raw.push({
      kind: rng.int(100),
      dt: rng.next() < 0.2 ? 0 : rng.int(120),
      late: rng.next() < 0.1 ? rng.int(300) : 0,
      a: rng.int(13) - 6,
      b: rng.int(10),
      q: 0.001 + rng.next() * 20,
    });
  return buildMarket(raw);
}

/** Both undefined, or numbers equal within a relative tolerance. */
export function close(a: number | undefined, b: number | undefined, tol = 1e-9, abs = 0): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  return Math.abs(a - b) <= tol * Math.max(1, Math.abs(a), Math.abs(b)) + abs;
}

/** The first index where two value series disagree, or -1. */
export function firstMismatch(
  xs: readonly (number | undefined)[],
  ys: readonly (number | undefined)[],
  tol = 1e-9,
): number {
  if (xs.length !== ys.length) return Math.min(xs.length, ys.length);
  for (let i = 0; i < xs.length; i++) if (!close(xs[i], ys[i], tol)) return i;
  return -1;
}
