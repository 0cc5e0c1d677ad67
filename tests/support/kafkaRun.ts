import type { Kafka, Producer } from 'kafkajs';
import type { KafkaConfig } from '../../schemas/kafkaConfig.ts';
import { ensureTopics } from '../../sinks/kafka/topics.ts';
import { Config } from '../../schemas/config.ts';
import type { ConnectionSettings } from '../../services/index.ts';
import type { InputEvent } from '../../schemas/event.ts';

/** A configuration on the local services with topics and groups of its own (kafkajs style: one per test). */
export function testConfig(services: ConnectionSettings, overrides: Record<string, unknown> = {}): Config {
  const id = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const topics = Object.fromEntries(
    ['events', 'commands', 'acks', 'alerts', 'deadLetters', 'audit'].map((t) => [t, `test-${id}-${t}`]),
  );
  return Config.parse({
    ...overrides,
    kafka: {
      brokers: services.kafka.brokers,
      groupId: `test-${id}`,
      topics,
      eventsTopic: { partitions: 3 },
      outputTopic: { partitions: 2 },
    },
    influxdb: {
      url: services.influxdb.url,
      org: services.influxdb.org,
      bucket: services.influxdb.bucket,
      featureSampleEvery: 10,
    },
  });
}

/** The partition key of an event: venue:symbol for market events, else its address or asset. */
export function eventKey(e: InputEvent): string {
  if ('venue' in e) return `${e.venue}:${e.symbol}`;
  if (e.type === 'transfer') return e.from;
  if (e.type === 'label') return e.address;
  return e.asset;
}

/**
 * Produces events in batches, in order per key. `attempts` > 1 sends a refused batch again (the
 * whole batch: at least once), for writes right after a broker restart, when the broker answers
 * metadata before it leads its partitions again.
 */
export async function produceEvents(
  producer: Producer,
  topic: string,
  events: readonly InputEvent[],
  batch = 1000,
  attempts = 1,
): Promise<void> {
  for (let i = 0; i < events.length; i += batch) {
    const messages = events.slice(i, i + batch).map((e) => ({ key: eventKey(e), value: JSON.stringify(e) }));
    for (let attempt = 1; ; attempt++) {
      try {
        await producer.send({ topic, acks: -1, messages });
        break;
      } catch (err) {
        if (attempt >= attempts) throw err;
        await new Promise((r) => setTimeout(r, 1_000));
      }
    }
  }
}

/** Polls `condition` until it holds or `timeoutMs` passes; never a fixed sleep. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Creates the configuration's topics (as `flowguard run` would at its start) through `kafka`. */
export async function createTopics(kafka: Kafka, k: KafkaConfig): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(admin, k);
  } finally {
    await admin.disconnect();
  }
}
