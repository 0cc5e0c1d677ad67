import { describe, expect, it } from 'vitest';
import { InputEvent } from '../../../schemas/event.ts';
import { readAmlLists } from '../../../simulator/addressBook.ts';
import { simulateMarket } from '../../../simulator/marketSimulator.ts';
import { scenarioNamed, scenarios } from '../../../simulator/scenarios/index.ts';
import type { GroundTruth } from '../../../simulator/scenario.ts';
import { simulate } from '../../../simulator/simulate.ts';
import { shared } from '../../support/shared.ts';

const aml = readAmlLists(shared('aml'));
const keyOf = (e: InputEvent): string =>
  'venue' in e ? `vs:${e.venue}:${e.symbol}` : e.type === 'price' ? `asset:${e.asset}` : 'chain';

describe('simulator - normal flow', () => {
  const events = [...simulate({ seed: 7, durationMs: 60_000, aml })];

  it('is deterministic by seed and differs between seeds', () => {
    const again = [...simulate({ seed: 7, durationMs: 60_000, aml })];
    expect(JSON.stringify(again)).toBe(JSON.stringify(events));
    const other = [...simulate({ seed: 8, durationMs: 60_000, aml })];
    expect(JSON.stringify(other)).not.toBe(JSON.stringify(events));
  });

  it('emits valid events in event-time order with unique ids', () => {
    let last = -Infinity;
    const ids = new Set<string>();
    for (const e of events) {
      expect(InputEvent.safeParse(e).success).toBe(true);
      expect(e.eventTime).toBeGreaterThanOrEqual(last);
      last = e.eventTime;
      ids.add(e.eventId);
    }
    expect(ids.size).toBe(events.length);
  });

  it('has every family: orders, cancels, trades, books, tickers, prices incl. NFT floors, transfers, labels', () => {
    const kinds = new Set(
      events.map((e) =>
        e.type === 'order' ? `order:${e.action}` : e.type === 'price' ? `price:${e.kind}` : e.type,
      ),
    );
    for (const k of [
      'order:new',
      'order:cancel',
      'trade',
      'book',
      'ticker',
      'price:token',
      'price:nft_floor',
      'transfer',
      'label',
    ])
      expect(kinds.has(k), k).toBe(true);
    const venues = new Set(events.flatMap((e) => ('venue' in e ? [e.venue] : [])));
    expect(venues.size).toBe(3);
  });

  it('never publishes a crossed touch, and venues prevent self-trades', () => {
    for (const e of events) {
      if (e.type === 'ticker') expect(e.askPrice).toBeGreaterThan(e.bidPrice);
      if (e.type === 'trade') expect(e.buyAccount).not.toBe(e.sellAccount);
    }
  });

  it('moves the same symbol together across venues and assets with the market', () => {
    const mids = new Map<string, number>();
    for (const e of events)
      if (e.type === 'ticker') mids.set(`${e.venue}:${e.symbol}`, (e.bidPrice + e.askPrice) / 2);
    const a = mids.get('venue-a:BTCUSDT')!;
    const b = mids.get('venue-b:BTCUSDT')!;
    expect(Math.abs(a / b - 1)).toBeLessThan(0.002);
  });
});

describe('simulator - scenarios', () => {
  it('a market scenario leaves the books it does not touch unchanged', () => {
    const plain = [...simulate({ seed: 3, durationMs: 40_000, pricedAssets: [] })];
    const spoofed = [
      ...simulate({
        seed: 3,
        durationMs: 40_000,
        pricedAssets: [],
        scenarios: [{ scenario: scenarioNamed('spoofing')!, startMs: 20_000 }],
      }),
    ];
    const other = (xs: InputEvent[]) => JSON.stringify(xs.filter((e) => keyOf(e) !== 'vs:venue-a:ETHUSDT'));
    expect(other(spoofed)).toBe(other(plain));
    // On its own key the spoofer's orders appear: a scenario actor (acct-5000 and up) the plain
    // run never had there. (The rest of that key's flow reacts to the spoof and differs too.)
    const actors = (xs: InputEvent[]) =>
      new Set(
        xs.flatMap((e) =>
          keyOf(e) === 'vs:venue-a:ETHUSDT' && e.type === 'order' && Number(e.account.slice(5)) >= 5000
            ? [e.account]
            : [],
        ),
      );
    expect(actors(plain).size).toBe(0);
    expect(actors(spoofed).size).toBe(1);
  });

  it.each(scenarios.map((s) => [s.name, s] as const))(
    '%s has ground truth and acts on its keys',
    (_name, scenario) => {
      const truths: GroundTruth[] = [];
      const start = 30_000;
      const events = [
        ...simulate({
          seed: 2,
          durationMs: start + scenario.durationMs + 5_000,
          aml,
          scenarios: [{ scenario, startMs: start }],
          onTruth: (t) => void truths.push(t),
        }),
      ];
      expect(truths).toHaveLength(1);
      const t = truths[0]!;
      expect(t.scenario).toBe(scenario.name);
      expect(t.keys.length).toBeGreaterThan(0);
      expect(t.end).toBeGreaterThan(t.start);
      // Something happens on a key of the truth inside its window (for a silent feed: nothing does).
      const inWindow = events.filter((e) => e.eventTime >= t.start && e.eventTime <= t.end);
      const onKeys = inWindow.filter((e) =>
        e.type === 'transfer'
          ? t.keys.includes(`addr:${e.from}`) || t.keys.includes(`addr:${e.to}`)
          : t.keys.includes(keyOf(e)) || (e.type === 'price' && t.keys.includes(`asset:${e.asset}`)),
      );
      if (scenario.name === 'feed-silence') {
        const silent = inWindow.filter(
          (e) => 'venue' in e && e.venue === 'venue-b' && e.eventTime < t.start + 30_000,
        );
        expect(silent).toHaveLength(0);
      } else if (scenario.name !== 'correlation-break' && scenario.name !== 'cross-venue-dislocation')
        expect(onKeys.length).toBeGreaterThan(0);
    },
  );
});

describe('simulator - simulateMarket (demo, tests, benchmarks)', () => {
  it('keeps its two-venue market with a pump that raises the venue price', () => {
    const pump = {
      kind: 'pump',
      venue: 'venue-a',
      symbol: 'SOLUSDT',
      startMs: 20_000,
      durationMs: 20_000,
      rise: 0.03,
      intensity: 12,
    } as const;
    const mids: Record<string, number[]> = {};
    for (const e of simulateMarket({ seed: 1, manipulations: [pump] }, 40_000))
      if (e.type === 'ticker' && e.symbol === 'SOLUSDT')
        (mids[e.venue] ??= []).push((e.bidPrice + e.askPrice) / 2);
    expect(Object.keys(mids).sort()).toEqual(['venue-a', 'venue-b']);
    const rise = (xs: number[]) => xs.at(-1)! / xs[0]! - 1;
    expect(rise(mids['venue-a']!)).toBeGreaterThan(0.02);
    expect(Math.abs(rise(mids['venue-b']!))).toBeLessThan(0.01);
  });
});
