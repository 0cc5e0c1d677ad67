import type { Kafka, KafkaMessage } from 'kafkajs';

export interface ReadPartitionsOptions {
  /** Partitions to read; all of the topic's when absent. */
  readonly partitions?: readonly number[];
  /** Where to start: the earliest offset (default), or the first offset at or after this timestamp (ms). */
  readonly fromTimestamp?: number;
  /** Where to stop (exclusive) per partition, instead of the high watermark. */
  readonly endOffsets?: ReadonlyMap<number, number>;
  /** Prefix of the throwaway consumer group's id. */
  readonly groupPrefix: string;
  /** Gives up (rejects) after this long; default 120 s. */
  readonly timeoutMs?: number;
  onMessage(partition: number, message: KafkaMessage): void;
}

/**
 * Retries a metadata request while the broker answers with a retriable error: right after topics
 * are created or a broker restarts, a partition may briefly have no leader (NOT_LEADER_FOR_PARTITION).
 */
async function retriable<T>(request: () => Promise<T>, attempts = 10): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await request();
    } catch (err) {
      if (i >= attempts || (err as { retriable?: unknown }).retriable !== true) throw err;
      await new Promise((r) => setTimeout(r, 100 * i));
    }
  }
}

/**
 * Reads partitions of a topic from their start up to the end they had when the read began (the
 * high watermarks then), and returns once every partition is read: restoring a changelog, or the
 * engine's recently acknowledged commands. kafkajs has no manual assignment, so a throwaway
 * consumer group subscribes to the topic, pauses the partitions it does not need, seeks the
 * others, and is deleted afterwards. Messages come in offset order per partition.
 */
export async function readPartitions(kafka: Kafka, topic: string, o: ReadPartitionsOptions): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  let groupId: string | undefined;
  try {
    const ends = await retriable(() => admin.fetchTopicOffsets(topic));
    const starts =
      o.fromTimestamp === undefined
        ? ends
        : await retriable(() => admin.fetchTopicOffsetsByTimestamp(topic, o.fromTimestamp));
    const startOf = new Map(starts.map((s) => [s.partition, Number('low' in s ? s.low : s.offset)]));
    const wanted = new Map<number, { start: number; end: number }>();
    for (const e of ends) {
      if (o.partitions && !o.partitions.includes(e.partition)) continue;
      const start = Math.max(startOf.get(e.partition) ?? Number(e.low), Number(e.low));
      const end = Math.min(Number(e.high), o.endOffsets?.get(e.partition) ?? Infinity);
      if (start < end) wanted.set(e.partition, { start, end });
    }
    if (wanted.size === 0) return 0;
    groupId = `${o.groupPrefix}-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    // No restart of its own after a crash: the caller retries the whole read.
    const consumer = kafka.consumer({
      groupId,
      maxWaitTimeInMs: 50,
      allowAutoTopicCreation: false,
      retry: { retries: 5, restartOnFailure: async () => false },
    });
    let read = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      let finish!: () => void;
      let fail!: (err: unknown) => void;
      const done = new Promise<void>((resolve, reject) => {
        finish = resolve;
        fail = reject;
      });
      const remaining = new Set(wanted.keys());
      const others = ends.map((e) => e.partition).filter((p) => !wanted.has(p));
      consumer.on(consumer.events.CRASH, (e) => fail(e.payload.error));
      timer = setTimeout(
        () => fail(new Error(`reading ${topic} took longer than ${o.timeoutMs ?? 120_000} ms`)),
        o.timeoutMs ?? 120_000,
      );
      done.catch(() => undefined);
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          const range = wanted.get(batch.partition);
          if (!range || !remaining.has(batch.partition)) return;
          for (const m of batch.messages) {
            const offset = Number(m.offset);
            if (offset < range.start) continue;
            if (offset >= range.end) break;
            read++;
            o.onMessage(batch.partition, m);
          }
          const last = Number(batch.lastOffset());
          if (last + 1 >= range.end) {
            remaining.delete(batch.partition);
            consumer.pause([{ topic, partitions: [batch.partition] }]);
            if (remaining.size === 0) finish();
          }
        },
      });
      if (others.length > 0) consumer.pause([{ topic, partitions: others }]);
      for (const [partition, { start }] of wanted) consumer.seek({ topic, partition, offset: String(start) });
      await done;
    } finally {
      clearTimeout(timer);
      await consumer.disconnect().catch(() => undefined);
    }
    return read;
  } finally {
    if (groupId) await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}
