import { describe, expect, inject, it } from 'vitest';
import { renderMetrics } from '../../core/metrics.ts';
import { startDistributed } from '../../pipelines/distributed.ts';
import type { DeadLetter } from '../../schemas/deadLetter.ts';
import { kafkaClient } from '../../sinks/kafka/kafkaClient.ts';
import { stateTopics } from '../../sinks/kafka/topics.ts';
import { simulateMarket } from '../../simulator/marketSimulator.ts';
import { createTopics, produceEvents, testConfig, waitFor } from '../support/kafkaRun.ts';
import { manifests, readAll } from './support/scaleOut.ts';

const services = inject('services');

describe('faults - poison messages and a slow consumer', () => {
  it('a poison message on every partition is dead-lettered with its origin, and every partition goes on', async () => {
    const config = testConfig(services);
    Object.assign(config.kafka, { featureSampleMs: 0, checkpointIntervalMs: 300 });
    const k = config.kafka;
    const kafka = kafkaClient(k, '-test');
    await createTopics(kafka, k);
    const rt = await startDistributed({ config, log: () => undefined });
    const producer = kafka.producer();
    await producer.connect();
    try {
      const events = [...simulateMarket({ seed: 41 }, 40_000)];
      const half = Math.floor(events.length / 2);
      await produceEvents(producer, k.topics.events, events.slice(0, half));
      // Three kinds of poison, one per partition: not JSON, JSON that fails the schema, binary.
      const poison = [
        '{"type":"trade"',
        '{"type":"trade","price":-1}',
        Buffer.from([0xff, 0x00, 0xfe, 0x01]),
      ];
      await producer.send({
        topic: k.topics.events,
        messages: poison.map((value, partition) => ({ partition, key: 'poison', value })),
      });
      await produceEvents(producer, k.topics.events, events.slice(half));
      const total = events.length + poison.length;
      await waitFor(() => rt.stats.decode.messages >= total, 120_000, 'every message processed');
      expect(rt.stats.decode.deadLetters).toBe(poison.length);
      expect(rt.stats.decode.events).toBe(events.length);

      await waitFor(
        async () =>
          [...(await manifests(kafka, stateTopics(k).changelog)).values()].reduce(
            (s, m) => s + m.counts.messages,
            0,
          ) === total,
        30_000,
        'checkpoints of every partition',
      );
      const byPartition = await readAll(kafka, k.topics.events);
      const ms = await manifests(kafka, stateTopics(k).changelog);
      const letters = [...(await readAll(kafka, k.topics.deadLetters)).values()]
        .flat()
        .map((d) => JSON.parse(d.value) as DeadLetter);
      expect(letters).toHaveLength(poison.length);
      for (const [p, msgs] of byPartition) {
        const letter = letters.find((l) => l.origin.partition === p)!;
        const at = Number(letter.origin.offset);
        expect(letter.reason).toMatch(/unparseable|schema validation failed/);
        expect(Buffer.from(letter.rawBase64, 'base64').length).toBeGreaterThan(0);
        // The partition went on past its poison message: events after it were processed.
        expect(msgs.filter((m) => m.offset > at).length).toBeGreaterThan(0);
        expect(ms.get(p)!.offset).toBe(msgs.at(-1)!.offset);
        expect(ms.get(p)!.counts).toMatchObject({
          messages: msgs.length,
          deadLetters: 1,
          events: msgs.length - 1,
        });
      }
    } finally {
      await producer.disconnect();
      await rt.stop();
    }
  }, 180_000);

  it('a slow consumer: lag rises and is exported, while memory stays bounded by the fetch size, not the backlog', async () => {
    const config = testConfig(services);
    Object.assign(config.kafka, { featureSampleMs: 0, maxBytesPerPartition: 256 * 1024, maxInFlight: 5_000 });
    const k = config.kafka;
    const rt = await startDistributed({ config, log: () => undefined });
    const producer = kafkaClient(k, '-test').producer();
    await producer.connect();
    let maxLag = 0;
    let maxHeap = 0;
    const lagOf = () => [...rt.stats.lag.values()].reduce((s, v) => s + v, 0);
    // The live heap: collected first (the integration project runs with --expose-gc), so garbage
    // the collector has not got to yet does not count as memory the consumer holds.
    const gc = (globalThis as { gc?: () => void }).gc;
    if (!gc) throw new Error('run the integration project with --expose-gc (vitest.config.ts execArgv)');
    const liveHeap = () => {
      gc();
      return process.memoryUsage().heapUsed;
    };
    let ticks = 0;
    const sample = setInterval(() => {
      maxLag = Math.max(maxLag, lagOf());
      if (++ticks % 10 === 0) maxHeap = Math.max(maxHeap, liveHeap());
    }, 50);
    try {
      // Warm up (per-key state, code), then note the heap.
      await produceEvents(producer, k.topics.events, [...simulateMarket({ seed: 42 }, 30_000)]);
      await waitFor(() => rt.stats.decode.messages > 0 && lagOf() === 0, 60_000, 'warm-up');
      const baseline = liveHeap();
      maxHeap = baseline;
      // A backlog far faster than the pipeline: generated and sent in chunks, none of it kept here.
      let bytes = 0;
      let chunk: ReturnType<typeof simulateMarket> extends Iterable<infer E> ? E[] : never = [];
      for (const e of simulateMarket({ seed: 43, startTime: Date.UTC(2026, 0, 6) }, 900_000)) {
        chunk.push(e);
        if (chunk.length < 20_000) continue;
        bytes += chunk.reduce((s, x) => s + JSON.stringify(x).length, 0);
        await produceEvents(producer, k.topics.events, chunk, 2_000);
        chunk = [];
      }
      await waitFor(() => maxLag > 100_000, 60_000, 'the lag to rise');
      const metrics = (await renderMetrics()).body;
      const exported = metrics
        .split('\n')
        .filter((l) => l.startsWith('flowguard_consumer_lag{') && l.includes(k.topics.events))
        .reduce((s, l) => s + Number(l.split(' ').at(-1)), 0);
      expect(exported).toBeGreaterThan(0);
      const growth = maxHeap - baseline;
      console.log(
        `slow consumer: backlog ${(bytes / 2 ** 20).toFixed(0)} MiB, lag up to ${maxLag} events, heap grew at most ${(growth / 2 ** 20).toFixed(0)} MiB`,
      );
      // What the consumer holds is a few fetches (3 partitions x 256 kB), at most maxInFlight
      // events and their unsettled outputs: tens of MiB at most, a fraction of the backlog.
      expect(growth).toBeLessThan(Math.min(bytes / 4, 32 * 2 ** 20));
    } finally {
      clearInterval(sample);
      await producer.disconnect();
      await rt.stop();
    }
  }, 180_000);
});
