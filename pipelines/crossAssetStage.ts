import type { Kafka, KafkaMessage, Message, Producer } from 'kafkajs';
import { PendingWrites } from '../core/pendingWrites.ts';
import { crossAssetFeatures, CrossAssetStage, type CrossFrame } from '../features/index.ts';
import type { Config } from '../schemas/config.ts';
import { idempotentProducer } from '../sinks/kafka/renewingProducer.ts';
import { readPartitions } from '../sinks/kafka/readPartitions.ts';
import { stateTopics } from '../sinks/kafka/topics.ts';
import { runKafkaSource } from './sources/kafkaSource.ts';
import type { FeatureSample } from './state/featureSampler.ts';

/** A second-stage frame as the cross-feature topic carries it (keyed by pair). */
export interface CrossRecord {
  readonly key: string;
  readonly kind: CrossFrame['kind'];
  readonly a: string;
  readonly b: string;
  /** The legs' venue and symbol (`a` and `b` split without guessing); absent in older records. */
  readonly legs?: CrossFrame['legs'];
  readonly eventTime: number;
  readonly pa: number;
  readonly pb: number;
  readonly features: Record<string, number | null>;
}

export interface CrossStageOptions {
  readonly instanceId?: string | undefined;
  /**
   * After a partition moves here, its last this-many ms of input (by produce time) are replayed
   * without output, so the pairs' windows are warm again (the longest, correlation_5m, is 5 min).
   */
  readonly warmupMs?: number;
}

/** One partition of the feature topic: a pair tracker per asset (cross-venue) and per venue (cross-asset). */
class CrossTask {
  private readonly stages = new Map<string, CrossAssetStage>();
  constructor(readonly next: number) {}

  onSample(groupKey: string, s: FeatureSample): readonly CrossFrame[] {
    let st = this.stages.get(groupKey);
    if (!st) this.stages.set(groupKey, (st = new CrossAssetStage(crossAssetFeatures)));
    return st.onMid(s.venue, s.symbol, s.mid, s.eventTime);
  }

  get pairs(): number {
    let n = 0;
    for (const s of this.stages.values()) n += s.pairCount;
    return n;
  }
}

const parse = (m: KafkaMessage): FeatureSample | undefined => {
  try {
    return m.value ? (JSON.parse(m.value.toString('utf8')) as FeatureSample) : undefined;
  } catch {
    return undefined;
  }
};

/**
 * The second stage: features that span keys. Reads the first stage's feature topic in its own
 * consumer group (`<groupId>-cross`), where every venue of an asset shares a message key (and so a
 * partition) and so does every asset of a venue; feeds a pair tracker per such group key
 * (features/crossAsset) and writes one frame per pair and grid tick to the cross-feature topic,
 * keyed by pair. Its state is small and windowed, so instead of a changelog a partition that
 * moves here is warmed up by replaying its recent input without output. At least once: a frame
 * may be written twice after a move (same pair key and event time).
 */
export async function startCrossAssetStage(kafka: Kafka, config: Config, o: CrossStageOptions = {}) {
  const k = config.kafka;
  const topics = stateTopics(k);
  const warmupMs = o.warmupMs ?? 6 * 60_000;
  const producer: Producer = idempotentProducer(kafka, 'cross-stage', undefined, {
    allowAutoTopicCreation: true,
  });
  await producer.connect();
  const pending = new PendingWrites();
  const tasks = new Map<number, CrossTask>();
  const stats = { samples: 0, frames: 0, warmupSamples: 0, invalid: 0 };
  let out: Message[] = [];

  const emit = (frames: readonly CrossFrame[]) => {
    for (const f of frames) {
      const features: Record<string, number | null> = {};
      for (let i = 0; i < f.names.length; i++)
        features[f.names[i]!] = Number.isNaN(f.values[i]!) ? null : f.values[i]!;
      const rec: CrossRecord = {
        key: f.key,
        kind: f.kind,
        a: f.a,
        b: f.b,
        legs: f.legs,
        eventTime: f.eventTime,
        pa: f.pa,
        pb: f.pb,
        features,
      };
      out.push({ key: f.key, value: JSON.stringify(rec) });
    }
    stats.frames += frames.length;
  };

  const consumer = kafka.consumer({ groupId: `${k.groupId}-cross`, maxWaitTimeInMs: 100 });
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    const now = new Set(payload.memberAssignment[topics.features] ?? []);
    for (const p of tasks.keys()) if (!now.has(p)) tasks.delete(p);
  });
  await consumer.connect();
  await consumer.subscribe({ topic: topics.features, fromBeginning: true });
  await runKafkaSource(
    consumer,
    {
      async begin(p) {
        const t = tasks.get(p);
        if (t) return t.next;
        const committed = await committedOffset(kafka, `${k.groupId}-cross`, topics.features, p);
        const task = new CrossTask(committed);
        if (committed > 0)
          await readPartitions(kafka, topics.features, {
            partitions: [p],
            fromTimestamp: Date.now() - warmupMs,
            endOffsets: new Map([[p, committed]]),
            groupPrefix: `${k.groupId}-cross-warmup`,
            onMessage(_p, m) {
              const s = parse(m);
              if (!s || !m.key) return;
              stats.warmupSamples++;
              task.onSample(m.key.toString('utf8'), s);
            },
          });
        tasks.set(p, task);
        return committed;
      },
      onMessage(raw, _produced, m) {
        const task = tasks.get(raw.origin.partition!);
        const s = parse(m);
        if (!task || !s || !m.key || !(s.mid > 0)) {
          stats.invalid++;
          return;
        }
        stats.samples++;
        emit(task.onSample(m.key.toString('utf8'), s));
      },
      async settle() {
        if (out.length > 0) {
          const messages = out;
          out = [];
          void pending.track(producer.send({ topic: topics.crossFeatures, acks: -1, messages }));
        }
        await pending.settle();
      },
    },
    { maxInFlight: 5_000, commitIntervalMs: 1_000 },
  );

  return {
    stats,
    /** Pairs holding state on this instance. */
    pairs(): number {
      let n = 0;
      for (const t of tasks.values()) n += t.pairs;
      return n;
    },
    async stop(): Promise<void> {
      await consumer.disconnect();
      await pending.settle().catch(() => undefined);
      await producer.disconnect();
    },
  };
}

/** The group's committed offset of one partition (0 when none). */
async function committedOffset(
  kafka: Kafka,
  groupId: string,
  topic: string,
  partition: number,
): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [t] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const o = Number(t?.partitions.find((x) => x.partition === partition)?.offset ?? -1);
    return o > 0 ? o : 0;
  } finally {
    await admin.disconnect();
  }
}
