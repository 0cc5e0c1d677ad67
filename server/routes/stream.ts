import { z } from 'zod';
import { formatCursor, parseCursor, TOPICS, type Cursor, type Topic } from '../eventCursor.ts';
import type { ResumableFeed } from '../liveFeeds.ts';
import { validate } from '../readBody.ts';
import type { Route } from '../route.ts';
import { sseWriter } from '../sseWriter.ts';

const EVENT: Record<Topic, string> = { alerts: 'alert', commands: 'command', acks: 'ack' };
const ALL = Object.keys(TOPICS) as Topic[];

const StreamQuery = z.object({
  topics: z
    .string()
    .default(ALL.join(','))
    .transform((s) => s.split(',').filter(Boolean))
    .pipe(z.array(z.enum(ALL as [Topic, ...Topic[]])).min(1)),
  /** On a first connection, how many recent entries per topic to send before live ones. */
  backlog: z.coerce.number().int().min(0).max(10_000).default(0),
  /** The cursor, for clients that cannot send the Last-Event-ID header. */
  lastEventId: z.string().max(200).optional(),
  access_token: z.string().optional(),
});

/** The id after which the last `n` entries of a feed follow. */
function tailStart(feed: ResumableFeed<unknown>, n: number): number {
  const all = feed.since(0);
  if (all.length === 0) return 0;
  return n >= all.length ? all[0]!.id - 1 : all[all.length - n - 1]!.id;
}

/**
 * Live alerts, commands and engine acks as Server-Sent Events on one connection. Each event's id
 * is a cursor over all topics; a client that reconnects with it as Last-Event-ID gets exactly the
 * events it missed (or a `gap` event saying how many fell out of the server's buffer).
 */
export const streamRoute: Route = {
  method: 'GET',
  path: '/api/stream',
  access: 'viewer',
  queryToken: true,
  summary: 'live alerts, commands and acks (SSE)',
  handle(ctx) {
    const q = validate(StreamQuery, Object.fromEntries(ctx.url.searchParams), 'query');
    const header = ctx.req.headers['last-event-id'];
    const resumeFrom = typeof header === 'string' && header !== '' ? header : q.lastEventId;
    let resumed: Cursor = resumeFrom !== undefined ? parseCursor(resumeFrom) : {};
    const feeds = ctx.deps.feeds;
    const cursor: Cursor = { epoch: feeds.epoch };
    const sse = sseWriter(ctx.res);
    if (resumeFrom !== undefined && resumed.epoch !== feeds.epoch) {
      // The ids began again since this cursor was issued: start over with all that is buffered.
      sse.send('reset', formatCursor(cursor), { reason: 'the server restarted; sending its whole buffer' });
      resumed = Object.fromEntries(q.topics.map((t) => [t, 0]));
    }
    // Replay and subscribe in one synchronous step: no entry can be written in between, so
    // nothing is missed and nothing is sent twice.
    for (const topic of q.topics) {
      const feed = feeds[topic] as ResumableFeed<unknown>;
      const after = resumed[topic] ?? tailStart(feed, q.backlog);
      cursor[topic] = after;
      const missed = feed.since(after);
      if (resumed[topic] !== undefined && missed.length > 0 && missed[0]!.id > after + 1)
        sse.send('gap', formatCursor(cursor), { topic, missed: missed[0]!.id - after - 1 });
      for (const e of missed) {
        cursor[topic] = e.id;
        sse.send(EVENT[topic], formatCursor(cursor), e.value);
      }
    }
    for (const topic of q.topics) {
      const unsubscribe = (feeds[topic] as ResumableFeed<unknown>).subscribe((e) => {
        if (e.id <= (cursor[topic] ?? 0)) return;
        cursor[topic] = e.id;
        sse.send(EVENT[topic], formatCursor(cursor), e.value);
      });
      sse.onClose(unsubscribe);
    }
    sse.comment(`ready ${formatCursor(cursor)}`);
  },
};
