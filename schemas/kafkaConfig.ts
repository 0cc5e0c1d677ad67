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
      /** Compacted per-key state of the pipeline (default `<groupId>.changelog`). */
      changelog: z.string().min(1).max(249).optional(),
      /** First stage's sampled feature frames, keyed by asset and by venue (default `<groupId>.features`). */
      features: z.string().min(1).max(249).optional(),
      /** Second stage's cross-venue and cross-asset frames, keyed by pair (default `<groupId>.cross`). */
      crossFeatures: z.string().min(1).max(249).optional(),
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
  /**
   * How often each input partition's state is checkpointed to the changelog and its offset
   * committed (default 5000 ms): the most a partition replays after a crash. A partition's
   * messages go on while its checkpoint is written (one at a time per partition); only the
   * snapshot, serialised on the event loop, holds them up.
   */
  checkpointIntervalMs: z.number().int().min(10).max(600_000).optional(),
  /** Consumer session timeout (default 10 000 ms): how long a killed instance holds its partitions. */
  sessionTimeoutMs: z.number().int().min(1_000).max(300_000).optional(),
  /** Most bytes fetched per partition per request (kafkajs default 1 MiB). */
  maxBytesPerPartition: z.number().int().min(1_024).optional(),
  /**
   * First-stage feature samples for the cross-asset stage, at most one per key per this many ms
   * of event time (default 100); 0 writes none and runs no second stage.
   */
  featureSampleMs: z.number().int().min(0).optional(),
  /** TLS to the brokers: present (even `{}`) means on; certificates are read from files. */
  ssl: z
    .object({
      ca: z.string().optional().describe('path of the CA certificate file (PEM)'),
      /** Client certificate and key (PEM files), for brokers that require mutual TLS. */
      cert: z.string().optional(),
      key: z.string().optional(),
      /** Name of the environment variable holding the client key's passphrase, if it has one. */
      passphraseEnv: z.string().min(1).optional(),
      rejectUnauthorized: z.boolean().default(true),
    })
    .optional(),
  sasl: z
    .object({
      mechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']),
      username: z.string().min(1),
      /** Never in the file: the name of the environment variable that holds the password. */
      passwordEnv: z.string().min(1).default('FLOWGUARD_KAFKA_PASSWORD'),
      /** Or a file holding the password (a mounted secret); wins over passwordEnv when set. */
      passwordFile: z.string().min(1).optional(),
    })
    .optional(),
});
export type KafkaConfig = z.infer<typeof KafkaConfig>;
