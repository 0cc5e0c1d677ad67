import { HttpError } from './httpError.ts';

/** The topics of the live stream and the letter each has in a cursor. */
export const TOPICS = { alerts: 'a', commands: 'c', acks: 'k' } as const;
export type Topic = keyof typeof TOPICS;

/** The last id seen per topic (a topic not in it has not been seen), and the feeds' epoch. */
export type Cursor = Partial<Record<Topic | 'epoch', number>>;

const BY_LETTER = new Map<string, Topic | 'epoch'>([
  ...Object.entries(TOPICS).map(([t, l]) => [l, t as Topic] as const),
  ['e', 'epoch'],
]);

/**
 * An SSE event id: `e1700000000000.a12.c5.k5` means alert 12, command 5 and ack 5 were the last
 * ones sent, by feeds whose ids started at epoch 1700000000000. One connection carries several
 * feeds with ids of their own, so the id a browser sends back as Last-Event-ID names a position in
 * each; the epoch tells a cursor from before a restart (when ids began again at 1).
 */
export function formatCursor(c: Cursor): string {
  const parts = c.epoch !== undefined ? [`e${c.epoch}`] : [];
  for (const t of Object.keys(TOPICS) as Topic[]) if (c[t] !== undefined) parts.push(`${TOPICS[t]}${c[t]}`);
  return parts.join('.');
}

/** Parses a cursor; a malformed one is a 400 rather than a silent restart from the beginning. */
export function parseCursor(text: string): Cursor {
  const c: Cursor = {};
  if (text.trim() === '') return c;
  for (const part of text.trim().split('.')) {
    const m = /^([a-z])(\d{1,15})$/.exec(part);
    const topic = m ? BY_LETTER.get(m[1]!) : undefined;
    if (!m || !topic)
      throw new HttpError(
        400,
        'invalid_last_event_id',
        `Last-Event-ID '${text.slice(0, 64)}' is not a cursor like 'e1700000000000.a12.c5.k5': reconnect without it to start afresh`,
      );
    c[topic] = Number(m[2]);
  }
  return c;
}
