import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { InfluxDB, Point, flux } from '@influxdata/influxdb-client';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { describe, expect, inject, it } from 'vitest';
import { servicesUp } from '../../services/index.ts';
import { waitFor } from '../../services/waitFor.ts';

const services = inject('services');

describe('services - kafka', () => {
  it('services - kafkajs creates a topic, produces a message and consumes it', async () => {
    const kafka = new Kafka({
      clientId: 'flowguard-test',
      brokers: services.kafka.brokers,
      logLevel: logLevel.NOTHING,
    });
    const topic = `flowguard-test-${randomUUID()}`;
    const admin = kafka.admin();
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    const consumer = kafka.consumer({ groupId: `flowguard-test-${randomUUID()}` });
    await admin.connect();
    try {
      expect(await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true })).toBe(
        true,
      );
      const received: { key: string | undefined; value: string | undefined }[] = [];
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          received.push({ key: message.key?.toString(), value: message.value?.toString() });
        },
      });
      await producer.connect();
      await producer.send({ topic, messages: [{ key: 'BTC-USDT', value: '{"price":64000}' }] });
      await waitFor('the consumer to receive the message', () => received.length > 0, { timeoutMs: 30_000 });
      expect(received).toEqual([{ key: 'BTC-USDT', value: '{"price":64000}' }]);
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    }
  });
});

describe('services - influxdb', () => {
  it('services - writes a point and reads it back with a Flux query', async () => {
    const { url, token, org, bucket } = services.influxdb;
    const client = new InfluxDB({ url, token });
    const run = randomUUID();
    const time = Date.now();
    const writer = client.getWriteApi(org, bucket, 'ms');
    writer.writePoint(new Point('flowguard_test').tag('run', run).floatField('score', 0.75).timestamp(time));
    await writer.close();
    const query = flux`from(bucket: ${bucket})
      |> range(start: -1h)
      |> filter(fn: (r) => r._measurement == "flowguard_test" and r.run == ${run})`;
    const rows = await waitFor(
      'the point to be queryable',
      async () => {
        const found = await client.getQueryApi(org).collectRows<Record<string, unknown>>(query);
        return found.length > 0 ? found : undefined;
      },
      { timeoutMs: 30_000 },
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ _field: 'score', _value: 0.75, run });
    expect(Date.parse(String(rows[0]?._time))).toBe(time);
  });
});

describe('services - lifecycle', () => {
  it('services - up is idempotent and returns the same settings while running', async () => {
    const started = Date.now();
    expect(await servicesUp({ onProgress: () => undefined })).toEqual(services);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('services - status --json prints exactly one JSON object with the connection settings', async () => {
    const { stdout } = await promisify(execFile)('node', [
      'bin/flowguard.js',
      'services',
      'status',
      '--json',
    ]);
    const status = JSON.parse(stdout) as Record<string, Record<string, unknown>>;
    expect(status.kafka).toMatchObject({ brokers: services.kafka.brokers, running: true });
    expect(status.influxdb).toMatchObject({ ...services.influxdb, running: true });
  });
});
