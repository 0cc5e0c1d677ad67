import { describe, expect, it } from 'vitest';
import { OrderBook } from '../../../features/book/orderBook.ts';
import type { FeatureState } from '../../../features/feature.ts';
import { accountMessageRate } from '../../../features/orderflow/accountMessageRate.ts';
import type { InputEvent } from '../../../schemas/event.ts';
import { simulate } from '../../../simulator/simulate.ts';
import type { Scenario } from '../../../simulator/scenario.ts';
import { quoteStuffing } from '../../../simulator/scenarios/quoteStuffing.ts';

let n = 0;
function order(t: number, account: string, action: 'new' | 'cancel' | 'fill' = 'new'): InputEvent {
  return {
    schemaVersion: 1,
    eventId: `e${n++}`,
    venue: 'v',
    symbol: 'BTCUSDT',
    eventTime: t,
    type: 'order',
    action,
    orderId: `o${n}`,
    account,
    side: 'buy',
    price: 100,
    quantity: 1,
  } as InputEvent;
}

/** Feeds events to a fresh state (optionally round-tripped through JSON after each); the value after each. */
function feed(events: readonly InputEvent[], roundTrip = false): (number | undefined)[] {
  const book = new OrderBook();
  let st: FeatureState = accountMessageRate.create();
  return events.map((event) => {
    st.update({ event, book });
    if (roundTrip) st = accountMessageRate.restore(JSON.parse(JSON.stringify(st.toJSON())) as unknown);
    return st.value();
  });
}

/** `perSec` messages a second from `who` for `ms`, alternating new and cancel. */
function stream(who: string, t0: number, ms: number, perSec: number): InputEvent[] {
  const k = Math.round((ms * perSec) / 1000);
  return Array.from({ length: k }, (_, i) =>
    order(t0 + Math.floor((i * 1000) / perSec), who, i % 2 ? 'cancel' : 'new'),
  );
}

describe('account_message_rate: the busiest account’s orders and cancels per second', () => {
  it('is undefined before any order and ignores fills', () => {
    expect(feed([])).toEqual([]);
    expect(feed([order(0, 'a', 'fill')])).toEqual([undefined]);
  });

  it('settles at an account’s steady message rate', () => {
    const v = feed(stream('a', 0, 20_000, 100)).at(-1)!;
    expect(v).toBeGreaterThan(95);
    expect(v).toBeLessThan(105);
  });

  it('follows the busiest account, not the sum of all accounts', () => {
    // Forty accounts at 10 messages a second each: 400 a second on the key, 10 per account.
    const crowd = Array.from({ length: 40 }, (_, a) => stream(`acct-${a}`, a, 10_000, 10))
      .flat()
      .sort((x, y) => x.eventTime - y.eventTime);
    const v = feed(crowd).at(-1)!;
    expect(v).toBeGreaterThan(8);
    expect(v).toBeLessThan(12);
    // One account at 300 a second among them.
    const stuffer = stream('stuffer', 5_000, 5_000, 300);
    const both = [...crowd, ...stuffer].sort((x, y) => x.eventTime - y.eventTime);
    const w = feed(both);
    expect(Math.max(...w.map((x) => x ?? 0))).toBeGreaterThan(280);
  });

  it('decays once the burst stops, and the next busiest account takes over', () => {
    const events = [...stream('a', 0, 5_000, 200), ...stream('b', 0, 10_000, 20)].sort(
      (x, y) => x.eventTime - y.eventTime,
    );
    const v = feed(events);
    expect(v.at(-1)!).toBeGreaterThan(17);
    expect(v.at(-1)!).toBeLessThan(23);
  });

  it('gives the same values after a JSON round trip at every event', () => {
    const events = [...stream('a', 0, 3_000, 150), ...stream('b', 500, 3_000, 40)].sort(
      (x, y) => x.eventTime - y.eventTime,
    );
    expect(feed(events, true)).toEqual(feed(events));
  });
});

describe('account_message_rate on simulated flow', () => {
  /** The largest value on keys other than the target (all keys without a scenario) and the target's. */
  function scan(scenario: Scenario | undefined, target: string) {
    const start = Date.UTC(2026, 0, 5, 14, 0, 0);
    const states = new Map<string, FeatureState>();
    const book = new OrderBook();
    let normal = 0;
    let attacked = 0;
    for (const event of simulate({
      seed: 1,
      startTime: start,
      durationMs: 200_000,
      scenarios: scenario ? [{ scenario, startMs: 180_000 }] : [],
    })) {
      if (event.type !== 'order') continue;
      const key = `${event.venue}:${event.symbol}`;
      let st = states.get(key);
      if (!st) states.set(key, (st = accountMessageRate.create()));
      st.update({ event, book });
      const v = st.value() ?? 0;
      if (scenario && key === target) attacked = Math.max(attacked, v);
      else normal = Math.max(normal, v);
    }
    return { normal, attacked };
  }

  it('separates the quote stuffer from the market makers by an order of magnitude', () => {
    const { normal, attacked } = scan(quoteStuffing, 'venue-c:ETHUSDT');
    expect(normal).toBeGreaterThan(5);
    expect(normal).toBeLessThan(150);
    expect(attacked).toBeGreaterThan(600);
  });
});
