import type { Ack } from '../schemas/ack.ts';
import type { Alert } from '../schemas/alert.ts';
import type { Command } from '../schemas/command.ts';
import type { FeedEntry } from '../sinks/memoryFeed.ts';

/** A feed with increasing ids that a client can resume: sinks/memoryFeed.ts is one. */
export interface ResumableFeed<T> {
  /** Entries with id greater than `afterId`, oldest first. */
  since(afterId?: number): readonly FeedEntry<T>[];
  /** Calls `listener` for every new entry until the returned function is called. */
  subscribe(listener: (e: FeedEntry<T>) => void): () => void;
}

/** What the page needs of an engine acknowledgement. */
export interface AckView extends Ack {
  readonly action: Command['action'];
  readonly scopeKey: string;
  /** Event arrival to ack, processing time; absent for acks that came over Kafka. */
  readonly latencyMs?: number;
  readonly issuedBy?: Command['issuedBy'];
}

/** The live feeds the desk streams over SSE. */
export interface LiveFeeds {
  /** When the feeds' ids started (epoch ms): ids begin again at 1 after a restart. */
  readonly epoch: number;
  readonly alerts: ResumableFeed<Alert>;
  readonly commands: ResumableFeed<Command>;
  readonly acks: ResumableFeed<AckView>;
}

/** A feed seen through a projection, ids unchanged. */
export function mapFeed<T, R>(feed: ResumableFeed<T>, f: (v: T) => R): ResumableFeed<R> {
  return {
    since: (afterId) => feed.since(afterId).map((e) => ({ id: e.id, value: f(e.value) })),
    subscribe: (listener) => feed.subscribe((e) => listener({ id: e.id, value: f(e.value) })),
  };
}
