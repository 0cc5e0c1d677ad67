import type { IHeaders, Message, Producer } from 'kafkajs';
import type { PendingWrites } from '../../core/pendingWrites.ts';
import type { Sink } from '../sink.ts';

export interface TopicSinkOptions<T> {
  readonly topic: string;
  /** Message key: the partition a value goes to, and what a compacted topic keeps per key. */
  key(v: T): string;
  value?(v: T): string;
  headers?(v: T): IHeaders;
}

/**
 * A Kafka topic as a sink. One produce request at a time, in write order: kafkajs may reorder
 * concurrent `send` calls (one waits for metadata, the next does not), which would let a HALT
 * overtake the REDUCE_ONLY issued just before it and be refused as out of sequence. Values
 * written while a request is in flight go together in the next one, so ordering costs no
 * throughput and a lone command is sent at once. Every write is tracked in `pending`, so the
 * consumer commits its input only once the broker has the output.
 */
export function topicSink<T>(producer: Producer, pending: PendingWrites, o: TopicSinkOptions<T>): Sink<T> {
  const value = o.value ?? ((v: T) => JSON.stringify(v));
  let queue: Message[] = [];
  /** Settles when the queued messages are sent: created with the first queued message. */
  let next: { promise: Promise<void>; resolve: () => void; reject: (e: unknown) => void } | undefined;
  let sending = false;

  const pump = (): void => {
    if (sending || !next) return;
    const messages = queue;
    const done = next;
    queue = [];
    next = undefined;
    sending = true;
    producer.send({ topic: o.topic, acks: -1, messages }).then(
      () => {
        sending = false;
        done.resolve();
        pump();
      },
      (err: unknown) => {
        sending = false;
        done.reject(err);
        pump();
      },
    );
  };

  return {
    name: `kafka:${o.topic}`,
    write(batch) {
      if (batch.length === 0) return;
      for (const v of batch)
        queue.push({ key: o.key(v), value: value(v), ...(o.headers ? { headers: o.headers(v) } : {}) });
      if (!next) {
        let resolve!: () => void;
        let reject!: (e: unknown) => void;
        const promise = new Promise<void>((res, rej) => {
          resolve = res;
          reject = rej;
        });
        next = { promise, resolve, reject };
        // Failures surface through pending.settle(), which keeps the input uncommitted.
        void pending.track(promise);
      }
      pump();
    },
    flush: () => pending.settle(),
    async close() {
      await pending.settle();
    },
  };
}
