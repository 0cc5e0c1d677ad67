/**
 * Feature throughput and state size: 10,000 keys per family by default.
 *
 *   node --expose-gc --import tsx bench/features.ts [--keys 10000] [--events 200] [--json]
 *
 * Order flow: every key gets a seeded synthetic stream (book snapshot, diffs, tickers, trades,
 * orders; 20 events per second of event time), through its own OrderBook and all order-flow
 * features, exactly as the pipeline calls them (update for the feature's inputs, then value).
 * On-chain: transfers between `keys` addresses (each delivered to both), all address features.
 * Cross-asset: one pair sample per pair and grid step, all cross-asset features.
 * Reports feature updates per second (update + value calls, events generated beforehand) per
 * second of this process's CPU time (so that other load on the machine does not distort it; the
 * wall-clock rate is printed too), and bytes of state per key after the streams (heap and array
 * buffers, after a full GC; the order book is counted with the order-flow state). Without
 * --expose-gc the byte figures are rough.
 */
import { parseArgs } from 'node:util';
import { createRng, type Rng } from '../core/rng.ts';
import { OrderBook } from '../features/book/orderBook.ts';
import type { CrossInput } from '../features/crossAsset/crossFeature.ts';
import type { FeatureState, MarketInput } from '../features/feature.ts';
import {
  AmlContext,
  createOnchainFeatures,
  crossAssetFeatures,
  orderFlowFeatures,
} from '../features/index.ts';
import { CATEGORY_BIT } from '../features/onchain/riskCategories.ts';
import type { InputEvent } from '../schemas/event.ts';

const { values: args } = parseArgs({
  options: {
    keys: { type: 'string', default: '10000' },
    events: { type: 'string', default: '200' },
    json: { type: 'boolean', default: false },
  },
});
const KEYS = Number(args.keys);
const PER_KEY = Number(args.events);
const gc = (globalThis as { gc?: () => void }).gc;

function heapBytes(): number {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** One key's synthetic market: a random walk on a 0.5 grid, 20 events per second. */
function marketEvent(rng: Rng, key: number, i: number, s: { t: number; mid: number }): InputEvent {
  s.t += rng.int(100);
  if (rng.next() < 0.05) s.mid += rng.next() < 0.5 ? -0.5 : 0.5;
  const base = {
    schemaVersion: 1 as const,
    eventId: `${key}:${i}`,
    venue: 'v',
    symbol: `S${key}`,
    eventTime: s.t,
  };
  const px = (k: number) => s.mid + 0.5 * k;
  if (i === 0) {
    const lv = (sign: number): [number, number][] =>
      Array.from({ length: 20 }, (_, k) => [px(sign * (k + 1)), 1 + rng.next()]);
    return { ...base, type: 'book', kind: 'snapshot', bids: lv(-1), asks: lv(1) };
  }
  const u = rng.next();
  if (u < 0.35) {
    const k = 1 + rng.int(10);
    const q = rng.next() < 0.1 ? 0 : rng.next() * 3;
    return rng.next() < 0.5
      ? { ...base, type: 'book', kind: 'update', bids: [[px(-k), q]], asks: [] }
      : { ...base, type: 'book', kind: 'update', bids: [], asks: [[px(k), q]] };
  }
  if (u < 0.5)
    return {
      ...base,
      type: 'ticker',
      bidPrice: px(-1),
      bidQty: rng.next() * 3,
      askPrice: px(1),
      askQty: rng.next() * 3,
    };
  if (u < 0.8)
    return {
      ...base,
      type: 'trade',
      tradeId: String(i),
      price: px(rng.next() < 0.5 ? -1 : 1),
      quantity: 0.001 + rng.next() * rng.next() * 5,
      takerSide: rng.next() < 0.5 ? 'buy' : 'sell',
    };
  return {
    ...base,
    type: 'order',
    action: (['new', 'new', 'cancel', 'modify', 'fill'] as const)[rng.int(5)]!,
    orderId: String(i),
    account: `a${rng.int(5)}`,
    side: rng.next() < 0.5 ? 'buy' : 'sell',
    price: px(rng.int(21) - 10),
    quantity: rng.next() * 2,
  };
}

/** A stopwatch of CPU time (user + system) and wall time. */
function stopwatch() {
  const c = process.cpuUsage();
  const w = performance.now();
  return () => {
    const d = process.cpuUsage(c);
    return { cpu: (d.user + d.system) / 1e6, wall: (performance.now() - w) / 1000 };
  };
}

interface Result {
  keys: number;
  updates: number;
  /** CPU seconds of the timed loops. */
  seconds: number;
  wallSeconds: number;
  wallUpdatesPerSec: number;
  updatesPerSec: number;
  eventsPerSec: number;
  bytesPerKey: number;
}

function benchOrderFlow(): Result {
  const rng = createRng(1);
  const before = heapBytes();
  const books: OrderBook[] = [];
  const states: FeatureState[][] = [];
  const clocks: { t: number; mid: number }[] = [];
  for (let k = 0; k < KEYS; k++) {
    books.push(new OrderBook());
    states.push(orderFlowFeatures.map((f) => f.create()));
    clocks.push({ t: 1_700_000_000_000, mid: 100 });
  }
  const inputsOf = orderFlowFeatures.map((f) => f.inputs);
  let updates = 0;
  let events = 0;
  let seconds = 0;
  let wall = 0;
  const batch = 200_000;
  let sink = 0;
  for (let round = 0; round < PER_KEY;) {
    // Events generated outside the timed loop; keys interleaved as a partition would see them.
    const rounds = Math.max(1, Math.min(PER_KEY - round, Math.floor(batch / KEYS)));
    const evs: InputEvent[] = [];
    for (let r = 0; r < rounds; r++)
      for (let k = 0; k < KEYS; k++) evs.push(marketEvent(rng, k, round + r, clocks[k]!));
    const sw = stopwatch();
    for (let j = 0; j < evs.length; j++) {
      const e = evs[j]!;
      const k = j % KEYS;
      const book = books[k]!;
      if (e.type === 'book') {
        if (!book.apply(e)) continue;
      } else if (e.type === 'ticker') book.applyTicker(e);
      else if (e.type === 'trade') book.applyTrade(e.price);
      const input: MarketInput = { event: e, book };
      const st = states[k]!;
      for (let i = 0; i < st.length; i++) {
        if (inputsOf[i]!.includes(e.type)) {
          st[i]!.update(input);
          updates++;
        }
        sink += st[i]!.value() ?? 0;
      }
      events++;
    }
    const el = sw();
    seconds += el.cpu;
    wall += el.wall;
    round += rounds;
  }
  if (sink === 42) console.error('');
  const bytes = heapBytes() - before;
  if (states.length !== KEYS || books.length !== KEYS)
    throw new Error('unreachable: keeps the states alive until measured');
  return {
    keys: KEYS,
    updates,
    seconds,
    wallSeconds: wall,
    updatesPerSec: updates / seconds,
    wallUpdatesPerSec: updates / wall,
    eventsPerSec: events / seconds,
    bytesPerKey: bytes / KEYS,
  };
}

function benchOnchain(): Result {
  const rng = createRng(2);
  const ctx = new AmlContext();
  const addr = (i: number) => `0x${i.toString(16).padStart(40, '0')}`;
  const lists = new Map<string, number>();
  for (let i = 0; i < KEYS; i += 97) lists.set(addr(i), CATEGORY_BIT.sanctioned);
  for (let i = 5; i < KEYS; i += 211) lists.set(addr(i), CATEGORY_BIT.exchange);
  ctx.book.replace(lists);
  const features = createOnchainFeatures(ctx);
  const before = heapBytes();
  const states = new Map<string, FeatureState[]>();
  const book = new OrderBook();
  const n = (KEYS * PER_KEY) / 10;
  const evs: InputEvent[] = [];
  let t = 1_650_000_000_000;
  for (let i = 0; i < n; i++) {
    t += rng.int(20_000);
    const amount = rng.next() < 0.05 ? 1_000 * rng.next() : rng.next() * 10;
    evs.push({
      schemaVersion: 1,
      eventId: `tx${i}`,
      type: 'transfer',
      chain: 'ethereum',
      txHash: `h${i}`,
      from: addr(rng.int(KEYS)),
      to: addr(rng.int(KEYS)),
      asset: 'ETH',
      amount,
      blockTime: t,
      eventTime: t,
    });
  }
  let updates = 0;
  let sink = 0;
  const sw = stopwatch();
  for (const e of evs) {
    if (e.type !== 'transfer') continue;
    for (let side = 0; side < (e.from === e.to ? 1 : 2); side++) {
      const key = side === 0 ? e.from : e.to;
      let st = states.get(key);
      if (!st) states.set(key, (st = features.map((f) => f.create())));
      const input: MarketInput = { event: e, book, subject: { key, keyKind: 'address', address: key } };
      for (const s of st) {
        s.update(input);
        sink += s.value() ?? 0;
        updates++;
      }
    }
  }
  const { cpu: seconds, wall } = sw();
  if (sink === 42) console.error('');
  const bytes = heapBytes() - before;
  return {
    keys: states.size,
    updates,
    seconds,
    wallSeconds: wall,
    updatesPerSec: updates / seconds,
    wallUpdatesPerSec: updates / wall,
    eventsPerSec: evs.length / seconds,
    bytesPerKey: bytes / states.size,
  };
}

function benchCross(): Result {
  const rng = createRng(3);
  const pairs = Math.max(1, Math.floor(KEYS / 10));
  const before = heapBytes();
  const states = Array.from({ length: pairs }, () => crossAssetFeatures.map((f) => f.create()));
  const px = Array.from({ length: pairs }, () => [100, 50]);
  let updates = 0;
  let seconds = 0;
  let wall = 0;
  let sink = 0;
  const ticks = Math.max(PER_KEY * 5, 700);
  for (let k = 0; k < ticks; k += 100) {
    const xs: CrossInput[] = [];
    for (let j = k; j < Math.min(ticks, k + 100); j++)
      for (let p = 0; p < pairs; p++) {
        const c = rng.normal();
        px[p]![0]! *= 1 + 1e-4 * (c + rng.normal());
        px[p]![1]! *= 1 + 1e-4 * (c + rng.normal());
        xs.push({
          key: `p${p}`,
          kind: 'cross-venue',
          eventTime: 1_700_000_000_000 + 500 * j,
          a: px[p]![0]!,
          b: px[p]![1]!,
        });
      }
    const sw = stopwatch();
    for (let i = 0; i < xs.length; i++) {
      const st = states[i % pairs]!;
      for (const s of st) {
        s.update(xs[i]!);
        sink += s.value() ?? 0;
        updates++;
      }
    }
    const el = sw();
    seconds += el.cpu;
    wall += el.wall;
  }
  if (sink === 42) console.error('');
  const bytes = heapBytes() - before;
  if (states.length !== pairs) throw new Error('unreachable: keeps the states alive until measured');
  return {
    keys: pairs,
    updates,
    seconds,
    wallSeconds: wall,
    updatesPerSec: updates / seconds,
    wallUpdatesPerSec: updates / wall,
    eventsPerSec: updates / crossAssetFeatures.length / seconds,
    bytesPerKey: bytes / pairs,
  };
}

const orderFlow = benchOrderFlow();
const onchain = benchOnchain();
const cross = benchCross();
const result = {
  exactBytes: gc !== undefined,
  features: { orderFlow: orderFlowFeatures.length, onchain: 9, crossAsset: crossAssetFeatures.length },
  orderFlow,
  onchain,
  crossAsset: cross,
};
if (args.json) console.log(JSON.stringify(result));
else {
  const n = (x: number, w: number) => Math.round(x).toLocaleString('en').padStart(w);
  const row = (name: string, r: Result, unit: string) =>
    `${name.padEnd(12)} ${String(r.keys).padStart(6)} ${unit.padEnd(9)} ${n(r.updatesPerSec, 11)} updates/s per CPU s` +
    ` (${n(r.wallUpdatesPerSec, 10)} wall)  ${n(r.eventsPerSec, 9)} events/s  ${n(r.bytesPerKey, 7)} bytes/key`;
  console.log(row('order flow', orderFlow, 'keys'));
  console.log(row('on-chain', onchain, 'addresses'));
  console.log(row('cross-asset', cross, 'pairs'));
  console.log(gc ? '(state sizes after a full GC)' : '(run with node --expose-gc for exact state sizes)');
}
