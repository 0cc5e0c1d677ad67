import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../../core/rng.ts';
import { OrderBook } from '../../../features/book/orderBook.ts';
import type { CrossFeature, CrossInput } from '../../../features/crossAsset/crossFeature.ts';
import type { Feature, FeatureState, MarketInput } from '../../../features/feature.ts';
import { allFeatures, defaultAmlContext } from '../../../features/index.ts';
import { CATEGORY_BIT } from '../../../features/onchain/riskCategories.ts';
import type { InputEvent } from '../../../schemas/event.ts';
import type { Transfer } from '../../../schemas/onchain.ts';
import { applyToBook, longMarketStream } from './support/marketStream.ts';

function deepFreeze<T>(x: T): T {
  if (x && typeof x === 'object' && !Object.isFrozen(x)) {
    Object.freeze(x);
    for (const v of Object.values(x)) deepFreeze(v);
  }
  return x;
}

const market = deepFreeze(longMarketStream(11, 4_000));

const cross: CrossInput[] = (() => {
  const rng = createRng(12);
  let a = 60_000;
  let b = 3_000;
  const out: CrossInput[] = [];
  for (let k = 0; k < 1_500; k++) {
    const common = rng.normal();
    a *= 1 + 1e-4 * (common + 0.5 * rng.normal());
    b *= 1 + 1e-4 * (common * (k > 1_000 ? -1 : 1) + 0.5 * rng.normal());
    out.push({ key: 'pair:x|y', kind: 'cross-venue', eventTime: 1_700_000_000_000 + 500 * k, a, b });
  }
  return deepFreeze(out);
})();

const ADDR = (i: number) => `0x${i.toString(16).padStart(40, '0')}`;
const transfers: (Transfer | InputEvent)[] = (() => {
  const rng = createRng(13);
  const out: InputEvent[] = [];
  let t = 1_650_000_000_000;
  for (let i = 0; i < 600; i++) {
    t += rng.int(3_600_000);
    const from = ADDR(rng.int(30));
    const to = ADDR(rng.int(30));
    const amount = rng.next() < 0.1 ? 500 + rng.next() * 5_000 : rng.next() * 20;
    out.push({
      schemaVersion: 1,
      eventId: `tx${i}`,
      type: 'transfer',
      chain: 'ethereum',
      txHash: `0x${i}`,
      from,
      to,
      asset: 'ETH',
      amount,
      ...(rng.next() < 0.3 ? { usdValue: amount * 3_000 } : {}),
      blockTime: t - (rng.next() < 0.1 ? rng.int(600_000) : 0),
      eventTime: t - (rng.next() < 0.1 ? rng.int(600_000) : 0),
    });
    if (i === 300)
      out.push({
        schemaVersion: 1,
        eventId: 'label1',
        type: 'label',
        chain: 'ethereum',
        address: ADDR(7),
        category: 'phishing',
        source: 'test',
        eventTime: t,
      });
  }
  return deepFreeze(out);
})();

/** Values of every key after every delivered input, optionally checkpointing all states at `restoreAt`. */
function run(f: Feature | CrossFeature, restoreAt = -1): (number | undefined)[] {
  const values: (number | undefined)[] = [];
  f.shared?.reset();
  const cp = <S>(st: FeatureState<S>): FeatureState<S> =>
    (f as Feature<object, S>).restore(JSON.parse(JSON.stringify(st.toJSON())) as unknown);
  if (f.family === 'cross-asset') {
    let st = (f as CrossFeature).create();
    cross.forEach((x, i) => {
      if (i === restoreAt) st = cp(st);
      st.update(x);
      values.push(st.value());
    });
    return values;
  }
  const states = new Map<string, FeatureState>();
  const books = new Map<string, OrderBook>();
  const events = f.family === 'on-chain' ? transfers : market;
  events.forEach((event, i) => {
    if (i === restoreAt) for (const [k, st] of states) states.set(k, cp(st));
    const keys =
      event.type === 'transfer'
        ? [...new Set([event.from, event.to])]
        : event.type === 'label'
          ? [event.address]
          : ['vs:v:BTCUSDT'];
    for (const key of keys) {
      let book = books.get(key);
      if (!book) books.set(key, (book = new OrderBook()));
      if (!applyToBook(book, event) || !f.inputs.includes(event.type)) continue;
      let st = states.get(key);
      if (!st) states.set(key, (st = (f as Feature).create()));
      const input: MarketInput =
        f.family === 'on-chain'
          ? { event, book, subject: { key: `addr:${key}`, keyKind: 'address', address: key } }
          : { event, book };
      st.update(input);
      values.push(st.value());
    }
  });
  return values;
}

beforeAll(() => {
  // The registry's address features read the process-wide context: give it a few flagged addresses.
  defaultAmlContext.book.replace(
    new Map([
      [ADDR(3), CATEGORY_BIT.sanctioned],
      [ADDR(4), CATEGORY_BIT.mixer],
      [ADDR(5), CATEGORY_BIT.exchange],
      [ADDR(6), CATEGORY_BIT.exchange],
    ]),
  );
});

/** One uninterrupted run per feature, shared by the checks below. */
const baseline = new Map<string, (number | undefined)[]>();
const whole = (f: Feature | CrossFeature) => {
  let v = baseline.get(f.name);
  if (!v) baseline.set(f.name, (v = run(f)));
  return v;
};

describe.each(allFeatures.map((f) => [f.name, f] as const))('feature contract - %s', (_name, f) => {
  it('has catalogue metadata', () => {
    expect(f.name).toMatch(/^[a-z0-9_]+$/);
    for (const field of [f.unit, f.description, f.formula, f.window, f.reveals])
      expect(field.length).toBeGreaterThan(2);
    expect(f.inputs.length).toBeGreaterThan(0);
  });

  it('warms up: undefined before any input, defined later on a long stream, finite whenever defined', () => {
    expect(f.create().value()).toBeUndefined();
    const values = whole(f);
    const defined = values.filter((v) => v !== undefined);
    expect(defined.length).toBeGreaterThan(0);
    expect(defined.every((v) => Number.isFinite(v))).toBe(true);
  });

  it('does not mutate its input (events are frozen) and is deterministic', () => {
    expect(run(f)).toEqual(whole(f));
  });

  it('survives a JSON round trip of its state mid-stream', () => {
    const n =
      f.family === 'cross-asset' ? cross.length : f.family === 'on-chain' ? transfers.length : market.length;
    for (const at of [Math.floor(n / 3), Math.floor((2 * n) / 3)]) expect(run(f, at)).toEqual(whole(f));
  });
});
