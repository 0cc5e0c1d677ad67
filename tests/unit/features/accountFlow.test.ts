import { describe, expect, it } from 'vitest';
import { OrderBook } from '../../../features/book/orderBook.ts';
import type { Feature, FeatureState } from '../../../features/feature.ts';
import { oneSidedAggression } from '../../../features/orderflow/oneSidedAggression.ts';
import { selfTradeCount } from '../../../features/orderflow/selfTradeCount.ts';
import { oneSidedAggressionSlot, washTradingSlot } from '../../../detectors/rules/marketRules.ts';
import type { InputEvent } from '../../../schemas/event.ts';
import { simulate } from '../../../simulator/simulate.ts';
import type { Scenario } from '../../../simulator/scenario.ts';
import { momentumIgnition } from '../../../simulator/scenarios/momentumIgnition.ts';

let n = 0;
const base = (t: number) => ({
  schemaVersion: 1,
  eventId: `e${n++}`,
  venue: 'v',
  symbol: 'BTCUSDT',
  eventTime: t,
});

/** A fill; `buyer`/`seller` undefined as on a public feed. */
function trade(
  t: number,
  takerSide: 'buy' | 'sell',
  buyer?: string,
  seller?: string,
  quantity = 1,
): InputEvent {
  return {
    ...base(t),
    type: 'trade',
    tradeId: `t${n}`,
    price: 100,
    quantity,
    takerSide,
    ...(buyer === undefined ? {} : { buyAccount: buyer }),
    ...(seller === undefined ? {} : { sellAccount: seller }),
  } as InputEvent;
}

function order(t: number, account: string, side: 'buy' | 'sell'): InputEvent {
  return {
    ...base(t),
    type: 'order',
    action: 'new',
    orderId: `o${n}`,
    account,
    side,
    price: 100,
    quantity: 1,
  } as InputEvent;
}

/** Feeds events to a fresh state (optionally round-tripped through JSON after each) and returns the last value. */
function feed(f: Feature, events: readonly InputEvent[], roundTrip = false): number | undefined {
  const book = new OrderBook();
  let st: FeatureState = f.create();
  for (const event of events) {
    st.update({ event, book });
    if (roundTrip) st = f.restore(JSON.parse(JSON.stringify(st.toJSON())) as unknown);
  }
  return st.value();
}

/** `k` aggressive buys by `who`, 100 ms apart from `t0`, each filled against two makers at once. */
function burst(who: string, t0: number, k: number): InputEvent[] {
  return Array.from({ length: k }, (_, i) => [
    trade(t0 + i * 100, 'buy', who, 'mm-1'),
    trade(t0 + i * 100, 'buy', who, 'mm-2'),
  ]).flat();
}

describe('one_sided_aggression - one account taking on one side, not quoting the other', () => {
  it('counts one order per taker and instant, over the last windowMs', () => {
    expect(feed(oneSidedAggression, burst('x', 0, 7))).toBe(7);
    // 2 s later the first of them has left the window.
    expect(feed(oneSidedAggression, [...burst('x', 0, 7), trade(2_050, 'sell', 'y', 'z')])).toBe(6);
  });

  it('takes the most active account, not the sum over accounts', () => {
    const mixed = [...burst('x', 0, 3), ...burst('y', 10, 4), ...burst('z', 20, 2)];
    expect(feed(oneSidedAggression, mixed)).toBe(4);
  });

  it('leaves out an account that quoted the other side in the look-back (a market maker re-pricing)', () => {
    const maker = [order(0, 'mm-x', 'sell'), ...burst('mm-x', 1_000, 8)];
    expect(feed(oneSidedAggression, maker)).toBe(0);
    // The same burst 31 s after its last ask counts: it no longer quotes both ways.
    expect(feed(oneSidedAggression, [order(0, 'mm-x', 'sell'), ...burst('mm-x', 31_000, 8)])).toBe(8);
    // An order on the same side (a buyer's own bid) does not exempt it.
    expect(feed(oneSidedAggression, [order(0, 'x', 'buy'), ...burst('x', 1_000, 8)])).toBe(8);
  });

  it('is silent on public trades, which carry no accounts', () => {
    const anonymous = Array.from({ length: 50 }, (_, i) => trade(i * 10, 'buy'));
    expect(feed(oneSidedAggression, anonymous)).toBe(0);
  });

  it('survives a JSON round trip after every event', () => {
    const events = [order(0, 'mm-x', 'sell'), ...burst('mm-x', 500, 3), ...burst('x', 600, 6)];
    expect(feed(oneSidedAggression, events, true)).toBe(feed(oneSidedAggression, events));
    expect(feed(oneSidedAggression, events, true)).toBe(6);
  });

  it('its rule alerts at six orders and halts at twelve', () => {
    const rule = oneSidedAggressionSlot.create();
    expect(rule.score([5])).toBeCloseTo(5 / 6);
    expect(oneSidedAggressionSlot.calibrate!(rule.score([6]))).toBeCloseTo(0.9);
    expect(oneSidedAggressionSlot.calibrate!(rule.score([12]))).toBeCloseTo(0.99);
    expect(rule.score([Number.NaN])).toBe(0);
  });
});

describe('self_trade_count - trades with one account on both sides', () => {
  it('counts self-trades over the last minute, whatever their size', () => {
    const events = [
      trade(0, 'buy', 'a', 'a', 0.01),
      trade(10, 'buy', 'b', 'c', 1_000),
      trade(20_000, 'sell', 'a', 'a', 0.01),
    ];
    expect(feed(selfTradeCount, events)).toBe(2);
    expect(feed(selfTradeCount, [...events, trade(60_500, 'buy', 'b', 'c')])).toBe(1);
    expect(feed(selfTradeCount, events, true)).toBe(2);
  });

  it('is 0 on public trades', () => {
    expect(feed(selfTradeCount, [trade(0, 'buy'), trade(1, 'sell')])).toBe(0);
  });

  it('the wash rule alerts at two self-trades though their share of the volume is tiny', () => {
    const rule = washTradingSlot.create();
    // 0.1 % of the volume, two self-trades: the count decides.
    expect(washTradingSlot.calibrate!(rule.score([0.001, 2]))).toBeCloseTo(0.9);
    expect(rule.score([0.001, 1])).toBeLessThan(1);
    // The share still alerts alone (one large wash print).
    expect(rule.score([0.005, 1])).toBeCloseTo(1);
  });
});

describe('one_sided_aggression on simulated flow', () => {
  /** The feature's largest value per venue-symbol over a simulation, and when the target first reached `at`. */
  function scan(scenario: Scenario | undefined, target: string, at: number) {
    const start = Date.UTC(2026, 0, 5, 14, 0, 0);
    const states = new Map<string, FeatureState>();
    const book = new OrderBook();
    let most = 0;
    let reached: number | undefined;
    for (const event of simulate({
      seed: 1,
      startTime: start,
      durationMs: 240_000,
      scenarios: scenario ? [{ scenario, startMs: 180_000 }] : [],
    })) {
      if (event.type !== 'order' && event.type !== 'trade') continue;
      const key = `${event.venue}:${event.symbol}`;
      let st = states.get(key);
      if (!st) states.set(key, (st = oneSidedAggression.create()));
      st.update({ event, book });
      const v = st.value() ?? 0;
      if (key === target && reached === undefined && v >= at) reached = event.eventTime - start - 180_000;
      else if (key !== target || !scenario) most = Math.max(most, v);
    }
    return { most, reached };
  }

  it('stays under the rule in normal flow; the igniter reaches it within about a second', () => {
    const normal = scan(undefined, '', 6);
    expect(normal.most).toBeGreaterThan(0);
    expect(normal.most).toBeLessThan(6);
    const ignition = scan(momentumIgnition, 'venue-a:BTCUSDT', 6);
    expect(ignition.reached).toBeGreaterThanOrEqual(0);
    expect(ignition.reached).toBeLessThan(1_200);
  });
});
