import type { Consumer, Producer } from 'kafkajs';
import { PendingWrites } from '../core/pendingWrites.ts';
import { Command } from '../schemas/command.ts';
import { SCHEMA_VERSION } from '../schemas/common.ts';
import type { Ack } from '../schemas/ack.ts';
import type { KafkaConfig } from '../schemas/kafkaConfig.ts';
import { kafkaClient } from '../sinks/kafka/kafkaClient.ts';
import { ensureTopics } from '../sinks/kafka/topics.ts';
import { runKafkaSource } from '../pipelines/sources/kafkaSource.ts';
import type { ReferenceEngine } from './referenceEngine.ts';

/**
 * The reference engine on Kafka: consumes the commands topic (its own consumer group), applies each
 * command once, and answers on the acks topic keyed by commandId. A command that does not validate
 * is answered REJECTED with the reason when it has a commandId, and is dead-lettered otherwise.
 * Offsets are committed after the acks are written.
 */
export async function runEngineOnKafka(
  engine: ReferenceEngine,
  config: KafkaConfig,
  options: { groupId?: string } = {},
) {
  const kafka = kafkaClient(config, '-engine');
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, config);
  await admin.disconnect();
  const producer: Producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  const consumer: Consumer = kafka.consumer({
    groupId: options.groupId ?? `${config.groupId}-engine`,
    maxWaitTimeInMs: config.maxWaitTimeMs,
    minBytes: 1,
  });
  await consumer.connect();
  await consumer.subscribe({ topic: config.topics.commands, fromBeginning: true });
  const pending = new PendingWrites();
  const send = (topic: string, key: string, value: unknown) =>
    void pending.track(producer.send({ topic, acks: -1, messages: [{ key, value: JSON.stringify(value) }] }));
  let applied = 0;
  await runKafkaSource(
    consumer,
    {
      onMessage(raw) {
        let json: unknown;
        try {
          json = JSON.parse(raw.bytes);
        } catch {
          json = undefined;
        }
        const parsed = Command.safeParse(json);
        if (parsed.success) {
          const ack = engine.apply(parsed.data);
          applied++;
          send(config.topics.acks, ack.commandId, ack);
          return;
        }
        const reason = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
        const id = (json as { commandId?: unknown } | undefined)?.commandId;
        if (typeof id === 'string' && id.length > 0) {
          const ack: Ack = {
            schemaVersion: SCHEMA_VERSION,
            commandId: id,
            status: 'REJECTED',
            reason: `invalid command: ${reason}`,
            engineId: engine.engineId,
            ackedAt: Date.now(),
          };
          send(config.topics.acks, id, ack);
        } else {
          send(config.topics.deadLetters, 'engine', {
            schemaVersion: SCHEMA_VERSION,
            reason: 'engine: invalid command',
            issues: [reason],
            rawBase64: Buffer.from(raw.bytes).toString('base64'),
            origin: raw.origin,
            seq: raw.seq,
            receivedAt: Date.now(),
          });
        }
      },
      settle: () => pending.settle(),
    },
    { maxInFlight: 1000 },
  );
  return {
    get applied() {
      return applied;
    },
    async stop() {
      await consumer.disconnect();
      await pending.settle().catch(() => undefined);
      await producer.disconnect();
    },
  };
}
