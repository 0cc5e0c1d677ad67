import {
  Observable,
  asyncScheduler,
  type OperatorFunction,
  type SchedulerAction,
  type SchedulerLike,
} from 'rxjs';
import { stableId } from '../core/stableId.ts';
import type { Alert } from '../schemas/alert.ts';
import { SCHEMA_VERSION } from '../schemas/common.ts';
import type { PolicyConfig } from '../schemas/config.ts';
import type { Subject } from '../schemas/feature.ts';

/** What the scan needs of each item: its key, its event and the event's time. */
export interface FeedItem {
  readonly subject: Subject;
  readonly eventId: string;
  readonly eventTime: number;
}

export interface StaleFeedOptions {
  /** How often the scan runs (5 s). */
  readonly scanMs: number;
  /** Silence after which a key or venue is flagged. */
  readonly staleAfterMs: number;
  /**
   * Silence of every key of one venue, while another venue is still publishing, after which the
   * venue is flagged (default staleAfterMs). One thin symbol may go quiet for seconds; a whole venue
   * going quiet while the others carry on is an outage of its feed, and the sooner the better.
   */
  readonly venueStaleAfterMs?: number;
  /**
   * `event`: the scan runs on the stream's own event time (replay, deterministic; it cannot see a
   * silence of every feed at once, since then event time stops too). A scheduler: the scan runs on
   * its clock (asyncScheduler live, TestScheduler in tests), and silence is measured in that clock's
   * time since each key's last item arrived.
   */
  readonly clock?: 'event' | SchedulerLike;
}

interface Seen {
  readonly subject: Subject;
  eventId: string;
  eventTime: number;
  /** Clock time of the last item (event time in event mode). */
  at: number;
  flagged: boolean;
}

export const STALE_FEED_DETECTOR = 'stale-feed';

/** The live runtimes' options: the policy's stale-feed settings, scanned on `clock`. */
export function staleFeedOptionsOf(p: PolicyConfig, clock: SchedulerLike): StaleFeedOptions {
  return {
    scanMs: p.staleScanMs,
    staleAfterMs: p.staleAfterMs,
    venueStaleAfterMs: p.venueStaleAfterMs,
    clock,
  };
}

/**
 * Stale-feed alerts: a scan every `scanMs` flags each key whose last item is `staleAfterMs` old or
 * more, once per silence (the key is re-armed by its next item). When every key of a venue is
 * silent in one scan, one venue alert replaces the keys' alerts. Items pass through unchanged to
 * nobody: the operator emits only the alerts, so it is used beside the pipeline, on a shared stream.
 */
export function staleFeeds<T extends FeedItem>(o: StaleFeedOptions): OperatorFunction<T, Alert> {
  const { scanMs, staleAfterMs } = o;
  const venueStaleAfterMs = Math.min(o.venueStaleAfterMs ?? staleAfterMs, staleAfterMs);
  const clock = o.clock ?? asyncScheduler;
  if (!(scanMs > 0) || !(staleAfterMs > 0) || !(venueStaleAfterMs > 0))
    throw new RangeError('scanMs, staleAfterMs and venueStaleAfterMs must be positive');
  return (source) =>
    new Observable<Alert>((subscriber) => {
      const keys = new Map<string, Seen>();
      const venueFlagged = new Set<string>();

      const alert = (
        key: string,
        subject: Subject,
        last: Seen,
        now: number,
        what: string,
        after = staleAfterMs,
      ): Alert => {
        const quiet = now - last.at;
        return {
          schemaVersion: SCHEMA_VERSION,
          alertId: stableId('alert', key, STALE_FEED_DETECTOR, last.eventId),
          ...subject,
          key,
          // Event mode: the scan's own event time; live: the last event's (the wall clock is not event time).
          eventTime: Math.max(0, Math.round(clock === 'event' ? now : last.eventTime)),
          detector: STALE_FEED_DETECTOR,
          score: 1,
          severity: 'warning',
          message: `${what}: no events for ${(quiet / 1000).toFixed(1)} s (stale after ${after / 1000} s); last event ${last.eventId} at ${new Date(last.eventTime).toISOString()}`,
          topFeatures: [{ feature: 'silence_ms', value: quiet, contribution: quiet / after }],
          triggeringEventIds: [last.eventId],
        };
      };

      const scan = (now: number) => {
        // Per venue: its keys and the time of its newest item.
        const byVenue = new Map<string, { list: Seen[]; last: number }>();
        for (const s of keys.values()) {
          const venue = s.subject.venue;
          if (venue === undefined) continue;
          const v = byVenue.get(venue);
          if (v) {
            v.list.push(s);
            if (s.at > v.last) v.last = s.at;
          } else byVenue.set(venue, { list: [s], last: s.at });
        }
        let talking = 0;
        for (const v of byVenue.values()) if (now - v.last < venueStaleAfterMs) talking++;
        for (const [venue, { list, last: newest }] of byVenue) {
          if (list.length < 2) continue;
          const quiet = now - newest;
          // Quiet for venueStaleAfterMs while another venue talks, or for staleAfterMs in any case
          // (when every feed is quiet, the silence may be this side's: the slower threshold).
          // (This venue is not among the talking ones once quiet >= venueStaleAfterMs.)
          if (!(quiet >= staleAfterMs || (quiet >= venueStaleAfterMs && talking > 0))) continue;
          // The whole venue went quiet: one alert for it rather than one per key.
          if (!venueFlagged.has(venue)) {
            const last = list.reduce((a, b) => (b.at > a.at ? b : a));
            venueFlagged.add(venue);
            subscriber.next(
              alert(
                `venue:${venue}`,
                { key: `venue:${venue}`, keyKind: 'venue-symbol', venue },
                last,
                now,
                `venue ${venue}`,
                quiet >= staleAfterMs ? staleAfterMs : venueStaleAfterMs,
              ),
            );
          }
          for (const s of list) s.flagged = true;
        }
        for (const [key, s] of keys) {
          if (s.flagged || now - s.at < staleAfterMs) continue;
          s.flagged = true;
          const name =
            s.subject.symbol && s.subject.venue ? `${s.subject.symbol} on ${s.subject.venue}` : key;
          subscriber.next(alert(key, s.subject, s, now, name));
        }
      };

      let nextScan = Number.NaN;
      const sub = source.subscribe({
        next(item) {
          const at = clock === 'event' ? item.eventTime : clock.now();
          if (clock === 'event') {
            if (Number.isNaN(nextScan)) nextScan = item.eventTime + scanMs;
            // Scans due before this item, at their own times, in order.
            while (item.eventTime >= nextScan) {
              scan(nextScan);
              nextScan += scanMs;
            }
          }
          // An address is not a feed: it transfers when its owner wants, silence says nothing.
          if (item.subject.keyKind === 'address') return;
          const s = keys.get(item.subject.key);
          if (s) {
            if (at >= s.at) {
              s.at = at;
              s.eventId = item.eventId;
              s.eventTime = item.eventTime;
            }
            s.flagged = false;
          } else
            keys.set(item.subject.key, {
              subject: item.subject,
              eventId: item.eventId,
              eventTime: item.eventTime,
              at,
              flagged: false,
            });
          if (item.subject.venue !== undefined) venueFlagged.delete(item.subject.venue);
        },
        error: (e: unknown) => subscriber.error(e),
        complete: () => subscriber.complete(),
      });
      if (clock !== 'event')
        sub.add(
          clock.schedule(function (this: SchedulerAction<undefined>) {
            scan(clock.now());
            this.schedule(undefined, scanMs);
          }, scanMs),
        );
      return sub;
    });
}
