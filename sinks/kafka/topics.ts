import type { Admin } from 'kafkajs';
import type { KafkaConfig, TopicSpec } from '../../schemas/kafkaConfig.ts';

/** Every topic flowguard uses, with the layout it is created with. */
export function topicLayout(config: KafkaConfig): { topic: string; spec: TopicSpec }[] {
  const t = config.topics;
  const out = config.outputTopic;
  return [
    { topic: t.events, spec: config.eventsTopic },
    { topic: t.commands, spec: out },
    { topic: t.acks, spec: out },
    { topic: t.alerts, spec: out },
    { topic: t.deadLetters, spec: out },
    { topic: t.audit, spec: { ...out, retentionMs: -1 } },
  ];
}

/** Creates the topics that do not exist yet (existing ones are left as they are). */
export async function ensureTopics(admin: Admin, config: KafkaConfig): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = topicLayout(config).filter((t) => !existing.has(t.topic));
  if (missing.length === 0) return [];
  await admin.createTopics({
    waitForLeaders: true,
    topics: missing.map(({ topic, spec }) => ({
      topic,
      numPartitions: spec.partitions,
      replicationFactor: spec.replicationFactor,
      configEntries: [
        { name: 'retention.ms', value: String(spec.retentionMs) },
        { name: 'cleanup.policy', value: spec.compact ? 'compact' : 'delete' },
      ],
    })),
  });
  return missing.map((t) => t.topic);
}
