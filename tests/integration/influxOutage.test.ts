import { InfluxDB } from '@influxdata/influxdb-client';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { renderMetrics } from '../../core/metrics.ts';
import { runEngineOnKafka } from '../../engine/kafkaAdapter.ts';
import { ReferenceEngine } from '../../engine/referenceEngine.ts';
import { startDistributed } from '../../pipelines/distributed.ts';
import { Config } from '../../schemas/config.ts';
import { kafkaClient } from '../../sinks/kafka/kafkaClient.ts';
import { simulateMarket } from '../../simulator/marketSimulator.ts';
import { produceEvents, testConfig, waitFor } from '../support/kafkaRun.ts';
import { startPrivateInflux, type PrivateInflux } from './support/privateInflux.ts';
import { staggeredPumps } from './support/scaleOut.ts';

const services = inject('services');
const OUTAGE_MS = 60_000;
const FETCH_BYTES = 128 * 1024;
/** Most events one fetch can hand over: three partitions of small (> 200 byte) events. */
const FETCH_EVENTS = (3 * FETCH_BYTES) / 200;

describe('InfluxDB down for a minute', () => {
  let influx: PrivateInflux | undefined;
  afterAll(async () => {
    await influx?.destroy();
  });

  it('commands are unaffected; points are buffered within the bound and backfilled; what overflows a small bound is dropped and counted', async () => {
    influx = await startPrivateInflux();
    const base = testConfig(services);
    // Two pipelines on the same events, in their own groups: one with room to buffer the whole
    // outage, one whose buffer is far too small for it.
    const pipelineConfig = (group: string, bucket: string, maxBufferPoints: number) =>
      Config.parse({
        ...base,
        // Small fetches: points are made synchronously for a whole fetched batch before the
        // InfluxDB client can run, so a fetch's worth of points adds to the client's bound.
        kafka: {
          ...base.kafka,
          groupId: `${base.kafka.groupId}-${group}`,
          featureSampleMs: 0,
          maxBytesPerPartition: FETCH_BYTES,
        },
        influxdb: {
          ...base.influxdb,
          url: influx!.url,
          org: influx!.org,
          bucket,
          maxBufferPoints,
          maxRetryTimeMs: 300_000,
          flushIntervalMs: 200,
          batchSize: 500,
        },
      });
    const roomy = pipelineConfig('roomy', await influx.bucket('outage-roomy'), 400_000);
    const tight = pipelineConfig('tight', await influx.bucket('outage-tight'), 1_000);
    const engine = new ReferenceEngine('engine-under-test');
    const quiet = { log: () => undefined };
    const a = await startDistributed({ config: roomy, influxToken: influx.token, watchAcks: true, ...quiet });
    const b = await startDistributed({ config: tight, influxToken: influx.token, ...quiet });
    const adapter = await runEngineOnKafka(engine, roomy.kafka);
    const producer = kafkaClient(roomy.kafka).producer();
    await producer.connect();
    try {
      const events = [
        ...simulateMarket({ seed: 31, manipulations: staggeredPumps(100_000, 25_000, 4) }, 220_000),
      ];
      const warm = Math.floor(events.length * 0.3);
      await produceEvents(producer, roomy.kafka.topics.events, events.slice(0, warm), 2_000);
      await waitFor(
        () => a.stats.decode.messages >= warm && b.stats.decode.messages >= warm,
        120_000,
        'warm-up',
      );
      await Promise.all([a.influx!.flush(), b.influx!.flush()]);
      expect(a.influx!.stats.dropped).toBe(0);

      // The outage: the rest of the flow, pumps and all, while InfluxDB is down.
      await influx.stop();
      const downAt = Date.now();
      const appliedBefore = engine.applied;
      // Paced (about 2 000 events/s, within what two pipelines sharing this process keep up
      // with), so the commands' latency is that of the path, not of a backlog.
      const rest = events.slice(warm);
      const pacedFrom = Date.now();
      for (let i = 0; i < rest.length; i += 200) {
        const due = pacedFrom + (i / 2_000) * 1000;
        if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
        await produceEvents(producer, roomy.kafka.topics.events, rest.slice(i, i + 200));
      }
      let maxBuffered = 0;
      let maxBufferedTight = 0;
      await waitFor(
        () => {
          maxBuffered = Math.max(maxBuffered, a.influx!.bufferedPoints());
          maxBufferedTight = Math.max(maxBufferedTight, b.influx!.bufferedPoints());
          return a.stats.decode.messages >= events.length && b.stats.decode.messages >= events.length;
        },
        OUTAGE_MS - 5_000,
        'every event processed while InfluxDB is down',
      );
      await waitFor(
        () => engine.applied > appliedBefore && a.stats.acks >= a.stats.commands,
        30_000,
        'commands',
      );
      const halts = a.stats.haltEventToAck.summary();
      expect(halts.count).toBeGreaterThanOrEqual(1);
      // Halts go out as fast with InfluxDB down as up: the history sink never blocks them.
      expect(halts.p99Ms).toBeLessThan(1_000);
      expect(a.influx!.stats.failedWrites).toBeGreaterThan(0);
      const commandsDuringOutage = engine.applied - appliedBefore;
      while (Date.now() - downAt < OUTAGE_MS) {
        maxBuffered = Math.max(maxBuffered, a.influx!.bufferedPoints());
        maxBufferedTight = Math.max(maxBufferedTight, b.influx!.bufferedPoints());
        await new Promise((r) => setTimeout(r, 200));
      }
      await influx.start();

      // Backfilled: every point the roomy pipeline made is written, none dropped.
      await waitFor(() => a.influx!.stats.written === a.influx!.stats.points, 90_000, 'the backfill');
      await b.influx!.flush();
      await waitFor(
        () => b.influx!.stats.written + b.influx!.stats.dropped === b.influx!.stats.points,
        90_000,
        'the tight pipeline to settle',
      );
      const sa = a.influx!.stats;
      const sb = b.influx!.stats;
      expect(sa.dropped).toBe(0);
      // The bound: the client's retry buffer, plus what the pipeline makes while refused write
      // attempts are still in flight (points come a fetch at a time, synchronously): a few fetches.
      const bound = (c: Config) => c.influxdb.maxBufferPoints + c.influxdb.batchSize + 4 * FETCH_EVENTS;
      expect(maxBuffered).toBeLessThanOrEqual(bound(roomy));
      expect(sb.dropped).toBeGreaterThan(0);
      expect(maxBufferedTight).toBeLessThanOrEqual(bound(tight));
      expect(maxBufferedTight).toBeLessThan(sb.points / 5);
      // The drops are exported, per sink.
      const dropped = (await renderMetrics()).body
        .split('\n')
        .find(
          (l) =>
            l.startsWith('flowguard_sink_dropped_total{') &&
            l.includes(`"influxdb:${tight.influxdb.bucket}"`),
        );
      expect(Number(dropped?.split(' ').at(-1))).toBe(sb.dropped);

      // The history has the commands issued during the outage.
      const api = new InfluxDB({ url: influx.url, token: influx.token }).getQueryApi(influx.org);
      const rows = await api.collectRows<{ _value: number }>(
        `from(bucket: "outage-roomy") |> range(start: 0) |> filter(fn: (r) => r._measurement == "command" and r._field == "sequence") |> group() |> count()`,
      );
      expect(rows[0]?._value).toBe(a.stats.commands);
      console.log(
        `influx outage: ${commandsDuringOutage} commands applied while down (halts event-to-ack p99 ${halts.p99Ms.toFixed(1)} ms); ` +
          `roomy: ${sa.points} points, buffered at most ${maxBuffered}, all written after the outage; ` +
          `tight (maxBufferPoints ${tight.influxdb.maxBufferPoints}, buffered at most ${maxBufferedTight}): ${sb.written} written, ${sb.dropped} dropped and counted`,
      );
    } finally {
      await producer.disconnect();
      await adapter.stop();
      await a.stop();
      await b.stop();
    }
  }, 240_000);
});
