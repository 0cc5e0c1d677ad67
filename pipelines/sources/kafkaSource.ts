import type { Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import type { RawMessage } from '../envelope.ts';

export interface KafkaBatchHandler {
  /**
   * Before a partition's batch: restores the partition's state when needed and returns the first
   * offset still to process (earlier messages are already in the state and are skipped).
   */
  begin?(partition: number): Promise<number>;
  /** Feeds one message into the pipeline (synchronously: when it returns, every sink has been handed its outputs). */
  onMessage(raw: RawMessage, producedAtMs: number, message: KafkaMessage): void;
  /** Resolves when every output of the messages handed so far is held by its destination. */
  settle(): Promise<void>;
  /**
   * After a batch: the offset to commit now (the next one to read), or undefined to commit
   * nothing yet; must settle what it commits. Default: every `commitIntervalMs`, settle and
   * commit everything handed over.
   */
  commit?(partition: number, lastOffset: number): Promise<number | undefined>;
  /**
   * Settling or committing failed: the partition's state must be rebuilt; returns the offset to
   * read the partition again from (its last checkpoint). `committed` is where this source last
   * committed the partition (or, before its first commit, the first offset it read of it): a
   * handler whose state is idempotent can simply read again from there. Without `failed` the error
   * ends the batch.
   */
  failed?(partition: number, err: unknown, committed: number): Promise<number>;
  /**
   * After each message: true when it produced an output that must leave now (a command). The
   * source then yields to the event loop before the next message, so the producer can write it
   * instead of waiting for the rest of the batch.
   */
  urgent?(): boolean;
}

export interface KafkaSourceOptions {
  /** Messages handed to the pipeline before the source waits for the sinks. */
  readonly maxInFlight: number;
  /** With the default commit: at most one offset commit per partition per this interval. */
  readonly commitIntervalMs?: number;
  readonly onBatch?: (topic: string, partition: number, lag: number) => void;
  /**
   * Longest the source processes messages of a batch without yielding to the event loop (default
   * 5 ms): a fetched batch can hold thousands of messages, and timers, acknowledgements and a
   * command producer waiting for its previous request must not wait for all of them.
   */
  readonly yieldEveryMs?: number;
  /**
   * Told when the consumer crashes (kafkajs gave up on an error), and whether kafkajs restarts it:
   * a consumer that is not restarted reads nothing more, and its lag grows from then on.
   */
  readonly log?: (line: string) => void;
  /**
   * The consumer crashed and kafkajs will not restart it (a non-retriable error): nothing more is
   * read from here on. The owner decides what to do (`flowguard run` exits non-zero, so that its
   * supervisor starts it again and the partitions resume from their checkpoints).
   */
  readonly onLost?: (error: Error) => void;
}

/**
 * Runs a consumer so that offsets are committed only after the sinks hold the outputs of the
 * messages (at least once): each fetched batch goes through the pipeline, then `commit()` settles
 * the outputs and says which offset may be committed. The fetch position moves on after every
 * batch (kafkajs fetches from the resolved offset) while the committed offset only moves at
 * commits, so a checkpointing handler commits exactly what its changelog holds. Batches are
 * processed one at a time and `maxInFlight` caps the messages whose outputs may be unsettled,
 * which bounds memory whatever the input rate.
 */
export async function runKafkaSource(
  consumer: Consumer,
  handler: KafkaBatchHandler,
  options: KafkaSourceOptions,
): Promise<void> {
  let seq = 0;
  const yieldEveryMs = options.yieldEveryMs ?? 5;
  const yieldNow = () => new Promise<void>((resolve) => setImmediate(resolve));
  /** Messages handed over since the outputs last settled. */
  let unsettled = 0;
  const lastCommit = new Map<string, number>();
  /** Per topic/partition: the offset last committed here, or the first one read before any commit. */
  const committedAt = new Map<string, number>();
  const settle = async () => {
    await handler.settle();
    unsettled = 0;
  };
  const commitDefault = async (topic: string, partition: number, lastOffset: number) => {
    const id = `${topic}/${partition}`;
    const now = Date.now();
    if (now - (lastCommit.get(id) ?? 0) < (options.commitIntervalMs ?? 500)) return undefined;
    lastCommit.set(id, now);
    await settle();
    return lastOffset + 1;
  };
  const { log, onLost } = options;
  if (log || onLost)
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      log?.(
        `consumer crashed: ${payload.error.message}; ${payload.restart ? 'kafkajs restarts it' : 'kafkajs does not restart it'}`,
      );
      if (!payload.restart) onLost?.(payload.error);
    });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: 1,
    eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload) => {
      const { topic, partition } = batch;
      const id = `${topic}/${partition}`;
      const from = handler.begin ? await handler.begin(partition) : 0;
      if (!committedAt.has(id) && batch.messages.length > 0)
        committedAt.set(id, Math.max(from, Number(batch.messages[0]!.offset)));
      let last: number | undefined;
      let sliceStart = performance.now();
      /** False when the partition must be read again from where `failed` says. */
      const guarded = async (step: () => Promise<void>): Promise<boolean> => {
        try {
          await step();
          return true;
        } catch (err) {
          if (!handler.failed) throw err;
          const again = await handler.failed(partition, err, committedAt.get(id) ?? from);
          unsettled = 0;
          consumer.seek({ topic, partition, offset: String(again) });
          return false;
        }
      };
      for (const m of batch.messages) {
        if (!isRunning() || isStale()) break;
        const offset = Number(m.offset);
        if (offset < from) {
          resolveOffset(m.offset);
          continue;
        }
        seq++;
        handler.onMessage(
          {
            seq,
            bytes: m.value ? m.value.toString('utf8') : '',
            origin: { topic, partition, offset: m.offset },
            arrivalMs: performance.now(),
          },
          Number(m.timestamp),
          m,
        );
        last = offset;
        if (handler.urgent?.() || performance.now() - sliceStart >= yieldEveryMs) {
          await yieldNow();
          sliceStart = performance.now();
        }
        // Outputs are not awaited after every batch (that would add a produce round trip to every
        // fetch), only before commits and after `maxInFlight` messages, which bounds memory.
        if (++unsettled >= options.maxInFlight) {
          if (!(await guarded(settle))) return;
          resolveOffset(m.offset);
          await heartbeat();
        }
      }
      if (last === undefined) return;
      const lastOffset = last;
      const ok = await guarded(async () => {
        const offset = handler.commit
          ? await handler.commit(partition, lastOffset)
          : await commitDefault(topic, partition, lastOffset);
        if (offset !== undefined) {
          await consumer.commitOffsets([{ topic, partition, offset: String(offset) }]);
          committedAt.set(id, offset);
        }
      });
      if (!ok) return;
      resolveOffset(String(lastOffset));
      await heartbeat();
      options.onBatch?.(topic, partition, Number(batch.offsetLag()));
    },
  });
}
