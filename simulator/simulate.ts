import type { InputEvent } from '../schemas/event.ts';
import {
  buildAddressBook,
  defaultAddressBookSizes,
  labelEvents,
  type AddressBook,
  type AmlLists,
} from './addressBook.ts';
import { Chain, defaultChainParams, type ChainParams } from './chain.ts';
import { defaultFactorParams, FactorModel, type FactorModelParams, type SymbolSpec } from './factorModel.ts';
import { defaultFlowParams, NormalFlow, type BookAction, type FlowParams } from './normalFlow.ts';
import { defaultPricedAssets, ReferencePrices, type PricedAsset } from './referencePrices.ts';
import { streamRng } from './sampling.ts';
import type { GroundTruth, RunningScenario, Scenario, World } from './scenario.ts';
import { noOverrides, VenueBook } from './venueBook.ts';

export const defaultSymbols: readonly SymbolSpec[] = [
  { symbol: 'BTCUSDT', price: 61_000, tick: 1, beta: 1.0, idioVol: 0.00004, lotSize: 0.02 },
  { symbol: 'ETHUSDT', price: 2_600, tick: 0.1, beta: 1.1, idioVol: 0.00007, lotSize: 0.3 },
  { symbol: 'SOLUSDT', price: 150, tick: 0.01, beta: 1.3, idioVol: 0.0001, lotSize: 5 },
];

/** A scenario and when it starts, ms after the simulation's start. */
export interface ScheduledScenario {
  readonly scenario: Scenario;
  readonly startMs: number;
}

export interface SimulationOptions {
  readonly seed: number;
  readonly startTime: number;
  /** Simulated time to run, ms (Infinity: until the consumer stops). */
  readonly durationMs: number;
  readonly symbols: readonly SymbolSpec[];
  readonly venues: readonly string[];
  readonly stepMs: number;
  readonly factor: FactorModelParams;
  readonly flow: FlowParams;
  /** The AML lists for the chain; without them there is no chain (market only). */
  readonly aml?: AmlLists;
  readonly chain: ChainParams;
  /** Reference prices (oracle tokens, NFT floors); empty for none. */
  readonly pricedAssets: readonly PricedAsset[];
  readonly nftVol: number;
  readonly scenarios: readonly ScheduledScenario[];
  /** Receives the ground truth of each scenario as it is placed. */
  readonly onTruth?: (t: GroundTruth) => void;
}

export const defaultSimulationOptions: SimulationOptions = {
  seed: 1,
  startTime: Date.UTC(2026, 0, 5, 14, 0, 0),
  durationMs: Infinity,
  symbols: defaultSymbols,
  venues: ['venue-a', 'venue-b', 'venue-c'],
  stepMs: 100,
  factor: defaultFactorParams,
  flow: defaultFlowParams,
  chain: defaultChainParams,
  pricedAssets: defaultPricedAssets,
  nftVol: 0.00015,
  scenarios: [],
};

/**
 * The seeded market and chain, in event-time order: a factor model moves fair prices, each
 * venue's order book lives from its background participants (normal flow), reference prices and
 * the chain publish on their own clocks, and scheduled scenarios act on the same world. Every part
 * draws from its own random stream, so a scenario changes only what it touches.
 */
export function* simulate(opts: Partial<SimulationOptions> = {}): Generator<InputEvent> {
  const o: SimulationOptions = { ...defaultSimulationOptions, ...opts };
  const out: InputEvent[] = [];
  const factor = new FactorModel(o.symbols, o.factor, streamRng(o.seed, 'factor'));
  const books: VenueBook[] = [];
  const flows: NormalFlow[] = [];
  for (const venue of o.venues)
    for (const spec of o.symbols) {
      const b = new VenueBook(venue, spec, out, `sim${o.seed}-${venue}-${spec.symbol}`);
      books.push(b);
      flows.push(new NormalFlow(b, o.flow, streamRng(o.seed, `flow:${venue}:${spec.symbol}`)));
    }
  const byKey = new Map(books.map((b) => [`${b.venue}|${b.symbol}`, b]));
  const fairOf = (symbol: string) =>
    o.symbols.some((s) => s.symbol === symbol) ? factor.fair(symbol) : undefined;
  let addresses: AddressBook | undefined;
  let chain: Chain | undefined;
  if (o.aml) {
    addresses = buildAddressBook(o.aml, streamRng(o.seed, 'addresses'), defaultAddressBookSizes);
    const eth = () => Math.exp(fairOf('ETHUSDT') ?? Math.log(2600));
    chain = new Chain(addresses, o.chain, streamRng(o.seed, 'chain'), o.startTime, eth);
  }
  const prices = o.pricedAssets.length
    ? new ReferencePrices(
        o.pricedAssets,
        { nftVol: o.nftVol },
        streamRng(o.seed, 'prices'),
        o.startTime,
        fairOf,
      )
    : undefined;

  const extra = new Map<VenueBook, BookAction[]>();
  let executing: { book: VenueBook; actions: BookAction[]; next: number } | undefined;
  const world: World = {
    seed: o.seed,
    venues: o.venues,
    factor,
    books,
    book(venue, symbol) {
      const b = byKey.get(`${venue}|${symbol}`);
      if (!b) throw new RangeError(`no book for ${symbol} on ${venue}`);
      return b;
    },
    chain,
    addresses,
    prices,
    at(book, t, action) {
      // Orders a scenario places are its own: the background flow never cancels them.
      const run = () => {
        book.injecting = true;
        try {
          action();
        } finally {
          book.injecting = false;
        }
      };
      if (executing && executing.book === book) {
        // Scheduled from inside an action: insert among the remaining ones, in time order.
        const xs = executing.actions;
        let j = xs.length;
        while (j > executing.next && xs[j - 1]!.t > t) j--;
        xs.splice(j, 0, { t, run });
        return;
      }
      let xs = extra.get(book);
      if (!xs) extra.set(book, (xs = []));
      xs.push({ t, run });
    },
    emit: (e) => void out.push(e),
  };

  // Start: labels, a seeded book and a snapshot per venue-symbol.
  if (addresses) for (const l of labelEvents(addresses, o.startTime, o.chain.chain)) yield l;
  books.forEach((b, i) => {
    flows[i]!.seed(o.startTime, Math.exp(factor.fair(b.symbol)) / b.spec.tick);
    b.snapshot(o.startTime);
  });
  out.sort((a, b) => a.eventTime - b.eventTime);
  yield* out.splice(0);

  const pending = [...o.scenarios].sort((a, b) => a.startMs - b.startMs);
  const running: { run: RunningScenario; start: number }[] = [];
  for (let t = o.startTime; t - o.startTime < o.durationMs; t += o.stepMs) {
    const elapsed = t - o.startTime;
    while (pending.length && pending[0]!.startMs <= elapsed) {
      const s = pending.shift()!;
      const start = o.startTime + s.startMs;
      const run = s.scenario.create(
        world,
        start,
        streamRng(o.seed, `scenario:${s.scenario.name}:${s.startMs}`),
      );
      o.onTruth?.(run.truth);
      running.push({ run, start });
    }
    const before = factor.market;
    factor.step(o.stepMs);
    for (const b of books) {
      b.overrides = noOverrides();
      b.silent = false;
    }
    prices?.faster.clear();
    for (let i = running.length - 1; i >= 0; i--) {
      const r = running[i]!;
      if (t > r.run.truth.end) running.splice(i, 1);
      else r.run.step({ world, t, stepMs: o.stepMs, elapsed: t - r.start });
    }

    books.forEach((b, i) => {
      const fairTick = Math.exp(factor.fair(b.symbol) + b.overrides.fairOffset) / b.spec.tick;
      const actions = flows[i]!.plan(t, o.stepMs, fairTick, factor.activity);
      const injected = extra.get(b);
      if (injected) actions.push(...injected);
      // Stable: at equal times the normal flow goes first, then injected actions in their order.
      actions.sort((x, y) => x.t - y.t);
      executing = { book: b, actions, next: 0 };
      while (executing.next < actions.length) actions[executing.next++]!.run();
      executing = undefined;
      b.flush(t + o.stepMs - 1);
    });
    extra.clear();
    if (prices) out.push(...prices.advance(t, o.stepMs, factor.market - before));
    if (chain) out.push(...chain.advance(t + o.stepMs, o.stepMs));
    out.sort((a, b) => a.eventTime - b.eventTime);
    yield* out.splice(0);
  }
}
