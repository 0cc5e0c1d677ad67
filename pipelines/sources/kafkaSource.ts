import type { Consumer, EachBatchPayload } from 'kafkajs';
import type { RawMessage } from '../envelope.ts';

export interface KafkaBatchHandler {
  /** Feeds one message into the pipeline (synchronously: when it returns, every sink has been handed its outputs). */
  onMessage(raw: RawMessage, producedAtMs: number): void;
  /** Resolves when every output of the messages handed so far is held by its destination. */
  settle(): Promise<void>;
}

/**
 * Runs a consumer so that offsets are committed only after the sinks hold the outputs of the
 * messages (at least once): each fetched batch goes through the pipeline, then `settle()`, then the
 * offsets are resolved and committed. One batch per partition is in flight at a time, which bounds
 * memory whatever the input rate; `maxInFlight` caps the messages handed over between settles.
 */
export async function runKafkaSource(
  consumer: Consumer,
  handler: KafkaBatchHandler,
  options: {
    maxInFlight: number;
    commitIntervalMs?: number;
    onBatch?: (topic: string, partition: number, lag: number) => void;
  },
): Promise<void> {
  let seq = 0;
  await consumer.run({
    // Only resolved offsets are committed, and an offset is resolved only after settle(): the
    // periodic auto-commit therefore never commits a message whose outputs are not yet held.
    autoCommit: true,
    autoCommitInterval: options.commitIntervalMs ?? 500,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: 1,
    eachBatch: async ({
      batch,
      resolveOffset,
      heartbeat,
      commitOffsetsIfNecessary,
      isRunning,
      isStale,
    }: EachBatchPayload) => {
      let handed = 0;
      let lastOffset: string | undefined;
      for (const m of batch.messages) {
        if (!isRunning() || isStale()) break;
        seq++;
        handler.onMessage(
          {
            seq,
            bytes: m.value ? m.value.toString('utf8') : '',
            origin: { topic: batch.topic, partition: batch.partition, offset: m.offset },
            arrivalMs: performance.now(),
          },
          Number(m.timestamp),
        );
        lastOffset = m.offset;
        if (++handed >= options.maxInFlight) {
          await handler.settle();
          resolveOffset(lastOffset);
          await commitOffsetsIfNecessary();
          await heartbeat();
          handed = 0;
        }
      }
      if (lastOffset === undefined) return;
      await handler.settle();
      resolveOffset(lastOffset);
      await commitOffsetsIfNecessary();
      await heartbeat();
      options.onBatch?.(batch.topic, batch.partition, Number(batch.offsetLag()));
    },
  });
}
