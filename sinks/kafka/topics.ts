import type { Admin, ITopicConfig } from 'kafkajs';
import type { KafkaConfig, TopicSpec } from '../../schemas/kafkaConfig.ts';

/**
 * The topics of the scale-out machinery, named after the consumer group unless configured (as
 * Kafka Streams names changelogs after the application id): two pipelines in different groups
 * on one events topic must not share state.
 */
export function stateTopics(config: KafkaConfig): {
  changelog: string;
  features: string;
  crossFeatures: string;
} {
  const t = config.topics;
  return {
    changelog: t.changelog ?? `${config.groupId}.changelog`,
    features: t.features ?? `${config.groupId}.features`,
    crossFeatures: t.crossFeatures ?? `${config.groupId}.cross`,
  };
}

/** Extra topic settings beyond the spec (compaction tuning of the changelog). */
type Extra = { name: string; value: string }[];

/** Every topic flowguard uses, with the layout it is created with. */
export function topicLayout(config: KafkaConfig): { topic: string; spec: TopicSpec; extra?: Extra }[] {
  const t = config.topics;
  const out = config.outputTopic;
  const s = stateTopics(config);
  return [
    { topic: t.events, spec: config.eventsTopic },
    { topic: t.commands, spec: out },
    { topic: t.acks, spec: out },
    { topic: t.alerts, spec: out },
    { topic: t.deadLetters, spec: out },
    { topic: t.audit, spec: { ...out, retentionMs: -1 } },
    {
      // One changelog partition per input partition: restoring a partition reads only its own.
      // Short segments let compaction run often, so a restore reads little more than the live keys.
      topic: s.changelog,
      spec: { ...config.eventsTopic, retentionMs: -1, compact: true },
      extra: [
        { name: 'segment.ms', value: String(10 * 60_000) },
        { name: 'min.cleanable.dirty.ratio', value: '0.1' },
        { name: 'delete.retention.ms', value: String(60 * 60_000) },
        // A busy key's windows can hold a few hundred kB of state.
        { name: 'max.message.bytes', value: String(16 * 2 ** 20) },
      ],
    },
    { topic: s.features, spec: { ...out, retentionMs: 24 * 3_600_000 } },
    { topic: s.crossFeatures, spec: out },
  ];
}

function topicConfig({ topic, spec, extra }: ReturnType<typeof topicLayout>[number]): ITopicConfig {
  return {
    topic,
    numPartitions: spec.partitions,
    replicationFactor: spec.replicationFactor,
    configEntries: [
      { name: 'retention.ms', value: String(spec.retentionMs) },
      { name: 'cleanup.policy', value: spec.compact ? 'compact' : 'delete' },
      ...(extra ?? []),
    ],
  };
}

/** Creates the topics that do not exist yet (existing ones are left as they are). */
export async function ensureTopics(admin: Admin, config: KafkaConfig): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = topicLayout(config).filter((t) => !existing.has(t.topic));
  if (missing.length === 0) return [];
  try {
    await admin.createTopics({ waitForLeaders: true, topics: missing.map(topicConfig) });
  } catch (err) {
    // Two instances starting together race to create the topics, and a busy broker may answer
    // the leader wait with a retriable error: the topics count once their metadata is served.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const ok = await admin
        .fetchTopicMetadata({ topics: missing.map((t) => t.topic) })
        .then((m) =>
          m.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0)),
        )
        .catch(() => false);
      if (ok) break;
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return missing.map((t) => t.topic);
}
