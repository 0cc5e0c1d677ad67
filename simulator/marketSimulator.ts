import { createRng, type Rng } from '../core/rng.ts';
import { SCHEMA_VERSION } from '../schemas/common.ts';
import type { InputEvent } from '../schemas/event.ts';

/** An instrument the simulator trades. */
export interface SimSymbol {
  readonly symbol: string;
  readonly price: number;
  readonly tick: number;
  /** Loading on the common market factor. */
  readonly beta: number;
  /** Own volatility per sqrt(second), as a log return. */
  readonly idioVol: number;
  /** Typical trade size in base units. */
  readonly lotSize: number;
}

/** An injected manipulation: a pump on one venue and symbol (trade burst, buy pressure, price run-up). */
export interface SimPump {
  readonly kind: 'pump';
  readonly venue: string;
  readonly symbol: string;
  readonly startMs: number;
  readonly durationMs: number;
  /** Total log price rise over the pump. */
  readonly rise: number;
  /** Multiplier of the normal trade rate during the pump. */
  readonly intensity: number;
}

export interface SimOptions {
  readonly seed: number;
  readonly startTime: number;
  readonly symbols: readonly SimSymbol[];
  readonly venues: readonly string[];
  /** Common market factor volatility per sqrt(second). */
  readonly marketVol: number;
  readonly stepMs: number;
  /** Per venue-symbol rates, per second. */
  readonly orderRate: number;
  readonly tradeRate: number;
  readonly accounts: number;
  readonly manipulations: readonly SimPump[];
}

export const defaultSymbols: readonly SimSymbol[] = [
  { symbol: 'BTCUSDT', price: 61_000, tick: 0.1, beta: 1.0, idioVol: 0.00008, lotSize: 0.05 },
  { symbol: 'ETHUSDT', price: 2_600, tick: 0.01, beta: 1.2, idioVol: 0.00012, lotSize: 0.8 },
  { symbol: 'SOLUSDT', price: 150, tick: 0.001, beta: 1.5, idioVol: 0.0002, lotSize: 12 },
];

export const defaultSimOptions: SimOptions = {
  seed: 1,
  startTime: Date.UTC(2026, 0, 5, 14, 0, 0),
  symbols: defaultSymbols,
  venues: ['venue-a', 'venue-b'],
  marketVol: 0.00015,
  stepMs: 100,
  orderRate: 20,
  tradeRate: 4,
  accounts: 50,
  manipulations: [],
};

interface Book {
  readonly venue: string;
  readonly sym: SimSymbol;
  logPrice: number;
  spreadTicks: number;
  /** Resting simulated orders that may later be cancelled: [orderId, account, side, price, qty]. */
  open: [string, string, 'buy' | 'sell', number, number][];
  lastSnapshot: number;
}

const poisson = (rng: Rng, lambda: number): number => {
  // Knuth's method; lambda per step is small (< 30).
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = rng.next();
  while (p > limit) {
    k++;
    p *= rng.next();
  }
  return k;
};

/**
 * A seeded market: prices follow a common factor plus their own noise (so assets correlate), each
 * venue quotes around the same fair price, accounts place and cancel limit orders and trade.
 * Events come out in event-time order; the same seed gives the same stream.
 */
export function* simulateMarket(opts: Partial<SimOptions> = {}, untilMs = Infinity): Generator<InputEvent> {
  const o: SimOptions = { ...defaultSimOptions, ...opts };
  const rng = createRng(o.seed);
  const dt = o.stepMs / 1000;
  const fair = new Map(o.symbols.map((s) => [s.symbol, Math.log(s.price)]));
  const books: Book[] = [];
  for (const venue of o.venues)
    for (const sym of o.symbols)
      books.push({
        venue,
        sym,
        logPrice: Math.log(sym.price),
        spreadTicks: 2,
        open: [],
        lastSnapshot: -Infinity,
      });
  let orderSeq = 0;
  let tradeSeq = 0;
  let eventSeq = 0;
  const id = (kind: string) => `sim-${o.seed}-${kind}-${++eventSeq}`;

  for (let t = o.startTime; t - o.startTime < untilMs; t += o.stepMs) {
    const elapsed = t - o.startTime;
    const market = rng.normal() * o.marketVol * Math.sqrt(dt);
    for (const s of o.symbols)
      fair.set(s.symbol, fair.get(s.symbol)! + s.beta * market + rng.normal() * s.idioVol * Math.sqrt(dt));

    for (const b of books) {
      const pump = o.manipulations.find(
        (m) =>
          m.venue === b.venue &&
          m.symbol === b.sym.symbol &&
          elapsed >= m.startMs &&
          elapsed < m.startMs + m.durationMs,
      );
      // Venues track the fair price with a little venue noise; a pump pushes one venue away.
      const target =
        fair.get(b.sym.symbol)! + (pump ? pump.rise * ((elapsed - pump.startMs) / pump.durationMs) : 0);
      b.logPrice += 0.5 * (target - b.logPrice) + rng.normal() * 0.00002;
      const mid = Math.exp(b.logPrice);
      b.spreadTicks = Math.max(
        1,
        Math.min(8, b.spreadTicks + (rng.next() < 0.1 ? (rng.next() < 0.5 ? -1 : 1) : 0)),
      );
      const half = (b.spreadTicks * b.sym.tick) / 2;
      const bid = Math.round((mid - half) / b.sym.tick) * b.sym.tick;
      const ask = Math.max(bid + b.sym.tick, Math.round((mid + half) / b.sym.tick) * b.sym.tick);
      const round = (p: number) => Number(p.toFixed(8));
      const base = { schemaVersion: SCHEMA_VERSION, venue: b.venue, symbol: b.sym.symbol, eventTime: t };

      if (t - b.lastSnapshot >= 1000) {
        b.lastSnapshot = t;
        const lv = (side: 1 | -1) =>
          Array.from(
            { length: 10 },
            (_, i) =>
              [
                round((side > 0 ? bid : ask) - side * i * b.sym.tick),
                round(b.sym.lotSize * (2 + rng.next() * 8)),
              ] as [number, number],
          );
        yield { ...base, type: 'book', kind: 'snapshot', eventId: id('book'), bids: lv(1), asks: lv(-1) };
      }
      yield {
        ...base,
        type: 'ticker',
        eventId: id('ticker'),
        bidPrice: round(bid),
        bidQty: round(b.sym.lotSize * (1 + rng.next() * 5)),
        askPrice: round(ask),
        askQty: round(b.sym.lotSize * (1 + rng.next() * 5)),
      };

      const nNew = poisson(rng, o.orderRate * dt);
      for (let k = 0; k < nNew; k++) {
        const side = rng.next() < 0.5 ? 'buy' : 'sell';
        const away = Math.floor(-Math.log(1 - rng.next()) * 4) * b.sym.tick;
        const price = round(side === 'buy' ? bid - away : ask + away);
        const qty = round(b.sym.lotSize * Math.exp(rng.normal() * 0.8));
        const orderId = `o${o.seed}-${++orderSeq}`;
        const account = `acct-${1 + rng.int(o.accounts)}`;
        b.open.push([orderId, account, side, price, qty]);
        yield {
          ...base,
          type: 'order',
          action: 'new',
          eventId: id('order'),
          orderId,
          account,
          side,
          price,
          quantity: qty,
        };
      }
      const nCancel = Math.min(b.open.length, poisson(rng, o.orderRate * 0.85 * dt));
      for (let k = 0; k < nCancel; k++) {
        const [orderId, account, side, price, qty] = b.open.splice(rng.int(b.open.length), 1)[0]!;
        yield {
          ...base,
          type: 'order',
          action: 'cancel',
          eventId: id('order'),
          orderId,
          account,
          side,
          price,
          quantity: qty,
        };
      }
      if (b.open.length > 500) b.open.splice(0, b.open.length - 500);

      const nTrades = poisson(rng, o.tradeRate * (pump ? pump.intensity : 1) * dt);
      for (let k = 0; k < nTrades; k++) {
        const buy = rng.next() < (pump ? 0.85 : 0.5);
        const quantity = round(b.sym.lotSize * Math.exp(rng.normal() * 1.0) * (pump ? 2 : 1));
        yield {
          ...base,
          type: 'trade',
          eventId: id('trade'),
          tradeId: `t${o.seed}-${++tradeSeq}`,
          price: round(buy ? ask : bid),
          quantity: quantity > 0 ? quantity : b.sym.lotSize,
          takerSide: buy ? 'buy' : 'sell',
          buyAccount: `acct-${1 + rng.int(o.accounts)}`,
          sellAccount: `acct-${1 + rng.int(o.accounts)}`,
        };
      }
    }
  }
}
