import type { IHeaders, Producer } from 'kafkajs';
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
 * A Kafka topic as a sink: one produce request per batch, tracked in `pending` so the consumer
 * commits its input only once the broker has the output.
 */
export function topicSink<T>(producer: Producer, pending: PendingWrites, o: TopicSinkOptions<T>): Sink<T> {
  const value = o.value ?? ((v: T) => JSON.stringify(v));
  return {
    name: `kafka:${o.topic}`,
    write(batch) {
      if (batch.length === 0) return;
      // Failures surface through pending.settle(), which keeps the input uncommitted.
      void pending.track(
        producer.send({
          topic: o.topic,
          acks: -1,
          messages: batch.map((v) => ({
            key: o.key(v),
            value: value(v),
            ...(o.headers ? { headers: o.headers(v) } : {}),
          })),
        }),
      );
    },
    flush: () => pending.settle(),
    async close() {
      await pending.settle();
    },
  };
}
