import type { Kafka, ProducerRecord } from 'kafkajs';
import { describe, expect, inject, it, vi } from 'vitest';
import { startDistributed } from '../../pipelines/distributed.ts';
import { kafkaClient } from '../../sinks/kafka/kafkaClient.ts';
import { stateTopics } from '../../sinks/kafka/topics.ts';
import { simulateMarket } from '../../simulator/marketSimulator.ts';
import { createTopics, produceEvents, testConfig, waitFor } from '../support/kafkaRun.ts';
import { manifests } from './support/scaleOut.ts';

/** Changelog writes are held back by `delayMs`; what was written when, per partition. */
const changelog = vi.hoisted(() => ({
  topic: '',
  delayMs: 0,
  /** Changelog sends in flight per changelog partition, and the most at once. */
  inFlight: new Map<number, number>(),
  mostAtOnce: 0,
  started: [] as number[],
}));

// Every kafkajs client made in this file: a producer's sends to the changelog take `delayMs`
// longer, as a slow or distant broker would (the pipeline's other writes are untouched).
vi.mock('../../sinks/kafka/kafkaClient.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../sinks/kafka/kafkaClient.ts')>();
  return {
    ...real,
    kafkaClient(...args: Parameters<typeof real.kafkaClient>): Kafka {
      const kafka = real.kafkaClient(...args);
      const producer = kafka.producer.bind(kafka);
      kafka.producer = (options) => {
        const p = producer(options);
        const send = p.send.bind(p);
        p.send = async (record: ProducerRecord) => {
          if (record.topic !== changelog.topic) return send(record);
          const partition = record.messages[0]?.partition ?? -1;
          const n = (changelog.inFlight.get(partition) ?? 0) + 1;
          changelog.inFlight.set(partition, n);
          changelog.mostAtOnce = Math.max(changelog.mostAtOnce, n);
          changelog.started.push(Date.now());
          try {
            await new Promise((r) => setTimeout(r, changelog.delayMs));
            return await send(record);
          } finally {
            changelog.inFlight.set(partition, changelog.inFlight.get(partition)! - 1);
          }
        };
        return p;
      };
      return kafka;
    },
  };
});

const services = inject('services');

describe('checkpoints alongside processing', () => {
  it('messages are processed while a checkpoint is being written, one checkpoint per partition at a time, and the checkpoints stay complete', async () => {
    const config = testConfig(services);
    Object.assign(config.kafka, { featureSampleMs: 0, checkpointIntervalMs: 300 });
    const k = config.kafka;
    changelog.topic = stateTopics(k).changelog;
    changelog.delayMs = 2_500;
    const kafka = kafkaClient(k, '-test');
    await createTopics(kafka, k);
    const rt = await startDistributed({ config, log: () => undefined });
    const producer = kafka.producer();
    await producer.connect();
    try {
      const events = [...simulateMarket({ seed: 44 }, 60_000)];
      const warm = 5_000;
      await produceEvents(producer, k.topics.events, events.slice(0, warm));
      await waitFor(() => rt.stats.decode.messages >= warm, 60_000, 'the warm-up events');
      // A trickle on every partition for 8 s: each small batch timed from its send to the moment
      // the pipeline has processed it. Each partition checkpoints every 300 ms, and each write
      // takes 2.5 s, so from the first checkpoint on one is always in flight.
      const delays: number[] = [];
      let sent = warm;
      const from = Date.now();
      while (Date.now() - from < 8_000 && sent < events.length) {
        const batch = events.slice(sent, sent + 30);
        const at = Date.now();
        await produceEvents(producer, k.topics.events, batch);
        sent += batch.length;
        const target = sent;
        await waitFor(() => rt.stats.decode.messages >= target, 30_000, 'a trickled batch');
        delays.push(Date.now() - at);
        await new Promise((r) => setTimeout(r, 50));
      }
      const during = changelog.started.filter((t) => t >= from).length;
      console.log(
        `checkpoint in flight: ${delays.length} batches, slowest processed ${Math.max(...delays)} ms after its send; ${during} changelog writes of 2.5 s started meanwhile`,
      );
      expect(during).toBeGreaterThanOrEqual(3);
      // Awaited by the consume loop, a checkpoint held every partition's messages for its 2.5 s.
      // (waitFor polls every 100 ms: the bound leaves the loaded machine room.)
      expect(Math.max(...delays)).toBeLessThan(1_200);
      expect(changelog.mostAtOnce).toBe(1);

      // Every message ends up in a complete checkpoint, with its counts.
      await waitFor(
        async () =>
          [...(await manifests(kafka, changelog.topic)).values()].reduce(
            (s, m) => s + m.counts.messages,
            0,
          ) === sent,
        60_000,
        'checkpoints of every message',
      );
      expect(rt.stats.checkpointFailures).toBe(0);
    } finally {
      await producer.disconnect();
      await rt.stop();
    }
  }, 180_000);
});
