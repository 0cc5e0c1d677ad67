import { Observable, from, map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { staleFeeds, type FeedItem } from '../../../pipelines/staleFeeds.ts';
import { Alert } from '../../../schemas/alert.ts';

const item = (venue: string, symbol: string, t: number): FeedItem => ({
  subject: { key: `vs:${venue}:${symbol}`, keyKind: 'venue-symbol', venue, symbol },
  eventId: `${symbol}-${t}`,
  eventTime: t,
});

/** Items at given virtual times, completing at `endAt`. */
const timed = (ts: TestScheduler, items: readonly (readonly [number, FeedItem])[], endAt: number) =>
  new Observable<FeedItem>((s) => {
    for (const [t, it] of items) ts.schedule(() => s.next(it), t);
    ts.schedule(() => s.complete(), endAt);
  });

const every = (venue: string, symbol: string, fromS: number, toS: number) =>
  Array.from(
    { length: toS - fromS + 1 },
    (_, i) => [(fromS + i) * 1000, item(venue, symbol, (fromS + i) * 1000)] as const,
  );

describe('stale feeds - scan every 5 s', () => {
  it('processing time (TestScheduler): flags a key once per silence and re-arms it when it speaks again', () => {
    const ts = new TestScheduler((a, b) => expect(a).toEqual(b));
    ts.run(({ expectObservable }) => {
      const items = [
        ...every('va', 'A', 0, 3),
        ...every('va', 'A', 30, 31),
        ...every('va', 'A', 60, 60),
        ...every('va', 'B', 0, 70),
      ];
      const out = timed(ts, items, 70_000).pipe(
        staleFeeds({ scanMs: 5000, staleAfterMs: 15_000, clock: ts }),
        map((al) => al.triggeringEventIds[0]),
      );
      // Silent from 3 s: flagged at the 20 s scan, once; again from 31 s: flagged at 50 s.
      expectObservable(out).toBe('20s a 29999ms b 19999ms |', { a: 'A-3000', b: 'A-31000' });
    });
  });

  it('a whole venue going quiet gives one venue alert rather than one per key; a venue still talking gives none', () => {
    const ts = new TestScheduler((a, b) => expect(a).toEqual(b));
    ts.run(({ expectObservable }) => {
      const items = [...every('va', 'A', 0, 3), ...every('va', 'B', 0, 2), ...every('vb', 'C', 0, 40)];
      const out = timed(ts, items, 40_000).pipe(
        staleFeeds({ scanMs: 5000, staleAfterMs: 10_000, clock: ts }),
        map((al) => al.key),
      );
      // Last va event at 3 s, silent 10 s at 13 s, seen by the 15 s scan.
      expectObservable(out).toBe('15s a 24999ms |', { a: 'venue:va' });
    });
  });

  it("event time (replay): scans on the stream's own clock, deterministically, with valid alerts", () => {
    const items: FeedItem[] = [];
    for (let t = 0; t <= 60_000; t += 500) {
      items.push(item('va', 'B', t));
      if (t < 10_000 || t > 40_000) items.push(item('va', 'A', t));
    }
    const run = () => {
      const out: Alert[] = [];
      from(items)
        .pipe(staleFeeds({ scanMs: 5000, staleAfterMs: 15_000, clock: 'event' }))
        .subscribe((a) => out.push(a));
      return out;
    };
    const alerts = run();
    expect(alerts.map((a) => [a.key, a.eventTime])).toEqual([['vs:va:A', 25_000]]);
    const a = Alert.parse(alerts[0]);
    expect(a).toMatchObject({ detector: 'stale-feed', severity: 'warning', triggeringEventIds: ['A-9500'] });
    expect(a.message).toMatch(/^A on va: no events for 15\.5 s \(stale after 15 s\)/);
    expect(run()).toEqual(alerts);
  });

  it('a whole venue silent while another venue talks is flagged after venueStaleAfterMs; one key alone waits for staleAfterMs', () => {
    const items: FeedItem[] = [];
    for (let t = 0; t <= 20_000; t += 100) {
      items.push(item('vb', 'C', t));
      // va's two symbols stop at 5 s and come back at 8 s; va:B alone stops again from 12 s.
      if (t < 5_000 || t >= 8_000) items.push(item('va', 'A', t));
      if (t < 5_000 || (t >= 8_000 && t < 12_000)) items.push(item('va', 'B', t));
    }
    const run = (venueStaleAfterMs?: number) => {
      const out: Alert[] = [];
      from(items)
        .pipe(
          staleFeeds({
            scanMs: 250,
            staleAfterMs: 5_000,
            ...(venueStaleAfterMs ? { venueStaleAfterMs } : {}),
            clock: 'event',
          }),
        )
        .subscribe((a) => out.push(a));
      return out.map((a) => [a.key, a.eventTime]);
    };
    // Last va events at 4.9 s: silent 500 ms at 5.4 s, seen by the 5.5 s scan (scans every 250 ms
    // from the first item's time). va:B alone: last at 11.9 s, flagged at 16.9 s (the 17 s scan).
    expect(run(500)).toEqual([
      ['venue:va', 5_500],
      ['vs:va:B', 17_000],
    ]);
    // Without the venue threshold the 3 s outage is shorter than staleAfterMs: only va:B's later silence.
    expect(run()).toEqual([['vs:va:B', 17_000]]);
  });

  it('when every venue is silent the venue threshold does not apply (the silence may be our own)', () => {
    const ts = new TestScheduler((a, b) => expect(a).toEqual(b));
    ts.run(({ expectObservable }) => {
      const items = [...every('va', 'A', 0, 3), ...every('va', 'B', 0, 3), ...every('vb', 'C', 0, 3)];
      const out = timed(ts, items, 20_000).pipe(
        staleFeeds({ scanMs: 1000, staleAfterMs: 10_000, venueStaleAfterMs: 1000, clock: ts }),
        map((al) => al.key),
      );
      // Everything quiet from 3 s: va (two keys) at the 13 s scan as a venue; vb's single key too.
      expectObservable(out).toBe('13s (ab) 6996ms |', { a: 'venue:va', b: 'vs:vb:C' });
    });
  });
});

describe('stale feeds - addresses', () => {
  it('an address that transfers once and goes quiet is not a stale feed (only venue-symbols are)', () => {
    const ts = new TestScheduler((a, b) => expect(a).toEqual(b));
    ts.run(({ expectObservable }) => {
      const address: FeedItem = {
        subject: { key: 'addr:0xabc', keyKind: 'address', address: '0xabc' },
        eventId: 'tx-1',
        eventTime: 1000,
      };
      const items = [[1000, address] as const, ...every('va', 'B', 0, 60)];
      const out = timed(ts, items, 60_000).pipe(
        staleFeeds({ scanMs: 5000, staleAfterMs: 15_000, clock: ts }),
        map((al) => al.key),
      );
      expectObservable(out).toBe('60s |');
    });
  });
});
