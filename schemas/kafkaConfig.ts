import { z } from 'zod';

const topic = (name: string) => z.string().min(1).max(249).default(name);

/** One topic's layout: the project creates its topics with these settings. */
export const TopicSpec = z.object({
  partitions: z.number().int().min(1).max(1000).default(6),
  replicationFactor: z.number().int().min(1).default(1),
  /** Retention in ms; -1 keeps messages forever. */
  retentionMs: z
    .number()
    .int()
    .min(-1)
    .default(7 * 24 * 3_600_000),
  /** Compacted topics keep the last value per key (changelogs). */
  compact: z.boolean().default(false),
});
export type TopicSpec = z.infer<typeof TopicSpec>;

/** Apache Kafka: brokers, topics, consumer group and client security. */
export const KafkaConfig = z.object({
  brokers: z.array(z.string().min(1)).min(1).default(['127.0.0.1:19092']),
  clientId: z.string().min(1).default('flowguard'),
  groupId: z.string().min(1).default('flowguard-pipeline'),
  topics: z
    .object({
      events: topic('flowguard.events'),
      commands: topic('flowguard.commands'),
      acks: topic('flowguard.acks'),
      alerts: topic('flowguard.alerts'),
      deadLetters: topic('flowguard.deadletters'),
      audit: topic('flowguard.audit'),
    })
    .prefault({}),
  /** Layout of the input topic (keyed by venue:symbol or address) and of the output topics. */
  eventsTopic: TopicSpec.prefault({ partitions: 6 }),
  outputTopic: TopicSpec.prefault({ partitions: 3, retentionMs: 30 * 24 * 3_600_000 }),
  /** Input message format of the events topic. */
  inputFormat: z
    .enum(['events-jsonl', 'binance-ws', 'binance-trades', 'transfers-csv'])
    .default('events-jsonl'),
  /** Longest the broker may hold a fetch waiting for data: small, for latency (kafkajs defaults to 5 s). */
  maxWaitTimeMs: z.number().int().min(0).max(10_000).default(20),
  /** Messages in flight (decoded but not yet committed) before the consumer pauses. */
  maxInFlight: z.number().int().min(1).default(10_000),
  ssl: z
    .object({
      ca: z.string().optional().describe('path of the CA certificate file (PEM)'),
      cert: z.string().optional(),
      key: z.string().optional(),
      rejectUnauthorized: z.boolean().default(true),
    })
    .optional(),
  sasl: z
    .object({
      mechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']),
      username: z.string().min(1),
      /** Never in the file: the name of the environment variable that holds the password. */
      passwordEnv: z.string().min(1).default('FLOWGUARD_KAFKA_PASSWORD'),
    })
    .optional(),
});
export type KafkaConfig = z.infer<typeof KafkaConfig>;
