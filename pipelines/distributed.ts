import { Subject } from 'rxjs';
import type { Consumer, Producer } from 'kafkajs';
import { defaultDetectorSlots } from '../detectors/index.ts';
import { marketFeatures } from '../features/index.ts';
import { LatencyRecorder } from '../core/latency.ts';
import { PendingWrites } from '../core/pendingWrites.ts';
import { Ack } from '../schemas/ack.ts';
import type { Alert } from '../schemas/alert.ts';
import type { Config } from '../schemas/config.ts';
import type { DeadLetter } from '../schemas/deadLetter.ts';
import { influxWriter } from '../sinks/influx/influxWriter.ts';
import { kafkaClient } from '../sinks/kafka/kafkaClient.ts';
import { ensureTopics } from '../sinks/kafka/topics.ts';
import { topicSink } from '../sinks/kafka/topicSink.ts';
import type { CommandDelivery, Sink } from '../sinks/sink.ts';
import type { Decision, RawMessage } from './envelope.ts';
import { newDecodeStats } from './decode.ts';
import { deliver } from './deliver.ts';
import { formatFor } from './formats/index.ts';
import { pipeline } from './pipeline.ts';
import { runKafkaSource } from './sources/kafkaSource.ts';
import { emitEach } from './emitEach.ts';

export interface DistributedOptions {
  readonly config: Config;
  /** InfluxDB token; history is not written when absent. */
  readonly influxToken?: string;
  /** Distinguishes instances of one group in client ids and logs. */
  readonly instanceId?: string;
  /** Measure event-to-ack latency by reading the engine's acknowledgements back. */
  readonly watchAcks?: boolean;
}

/** Counters and latencies of a running distributed pipeline. */
export interface DistributedStats {
  readonly decode: ReturnType<typeof newDecodeStats>;
  alerts: number;
  commands: number;
  acks: number;
  lag: Map<string, number>;
  /** From the event's Kafka timestamp (producer's clock) to the ack's arrival back here. */
  readonly eventToAck: LatencyRecorder;
  readonly haltEventToAck: LatencyRecorder;
}

/**
 * The pipeline between Kafka and InfluxDB: consumes the events topic in a consumer group, runs the
 * stages, produces commands (keyed by scope, idempotent producer), alerts and dead letters, writes
 * history to InfluxDB, and commits input offsets only once Kafka holds the outputs.
 */
export async function startDistributed(o: DistributedOptions) {
  const { config } = o;
  const k = config.kafka;
  const kafka = kafkaClient(k, o.instanceId ? `-${o.instanceId}` : '');
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, k);
  await admin.disconnect();

  const producer: Producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  const pending = new PendingWrites();
  const stats: DistributedStats = {
    decode: newDecodeStats(),
    alerts: 0,
    commands: 0,
    acks: 0,
    lag: new Map(),
    eventToAck: new LatencyRecorder(),
    haltEventToAck: new LatencyRecorder(),
  };

  const commandSink = topicSink<CommandDelivery>(producer, pending, {
    topic: k.topics.commands,
    key: (d) => d.command.scope.key,
    value: (d) => JSON.stringify(d.command),
    headers: (d) => ({ commandId: d.command.commandId, action: d.command.action }),
  });
  const alertSink = topicSink<Alert>(producer, pending, { topic: k.topics.alerts, key: (a) => a.key });
  const deadSink = topicSink<DeadLetter>(producer, pending, {
    topic: k.topics.deadLetters,
    key: (d) => `${d.origin.topic ?? ''}:${d.origin.partition ?? ''}`,
  });
  const influx = o.influxToken ? influxWriter(config.influxdb, o.influxToken) : undefined;

  // Produce time of the events in flight, by pipeline seq, for event-to-ack latency.
  const producedAt = new Map<number, number>();
  const awaitingAck = new Map<string, { producedAt: number; action: string }>();
  let acksConsumer: Consumer | undefined;
  if (o.watchAcks) {
    acksConsumer = kafka.consumer({
      groupId: `${k.groupId}-acks-${o.instanceId ?? process.pid}-${Date.now()}`,
      maxWaitTimeInMs: k.maxWaitTimeMs,
    });
    await acksConsumer.connect();
    await acksConsumer.subscribe({ topic: k.topics.acks, fromBeginning: false });
    await acksConsumer.run({
      eachMessage: async ({ message }) => {
        const parsed = Ack.safeParse(JSON.parse(message.value?.toString('utf8') ?? 'null'));
        if (!parsed.success) return;
        stats.acks++;
        const w = awaitingAck.get(parsed.data.commandId);
        if (!w) return;
        awaitingAck.delete(parsed.data.commandId);
        const ms = Date.now() - w.producedAt;
        stats.eventToAck.record(ms);
        if (w.action === 'HALT') stats.haltEventToAck.record(ms);
      },
    });
  }

  const input = new Subject<RawMessage>();
  const decisionSinks: Sink<Decision>[] = influx ? [influx] : [];
  const done = new Promise<void>((resolve, reject) => {
    input
      .pipe(
        pipeline({
          format: formatFor(k.inputFormat, ''),
          deadLetters: (d) => deadSink.write([d]),
          features: marketFeatures,
          detectors: defaultDetectorSlots(),
          policy: config.policy,
          stats: stats.decode,
          clock: () => Date.now(),
        }),
        emitEach((d: Decision, emit: (d: Decision) => void) => {
          stats.alerts += d.alerts.length;
          stats.commands += d.commands.length;
          if (o.watchAcks && d.commands.length > 0) {
            const at = producedAt.get(d.scored.frame.seq) ?? Date.now();
            for (const c of d.commands) awaitingAck.set(c.commandId, { producedAt: at, action: c.action });
          }
          emit(d);
        }),
        deliver({ commands: [commandSink], alerts: [alertSink], decisions: decisionSinks }),
      )
      .subscribe({ error: reject, complete: resolve });
  });

  const consumer = kafka.consumer({
    groupId: k.groupId,
    maxWaitTimeInMs: k.maxWaitTimeMs,
    minBytes: 1,
    sessionTimeout: 10_000,
    heartbeatInterval: 3_000,
    rebalanceTimeout: 20_000,
  });
  await consumer.connect();
  await consumer.subscribe({ topic: k.topics.events, fromBeginning: true });
  await runKafkaSource(
    consumer,
    {
      onMessage(raw, produced) {
        if (o.watchAcks) producedAt.set(raw.seq, produced);
        input.next(raw);
      },
      async settle() {
        await pending.settle();
        producedAt.clear();
      },
    },
    {
      maxInFlight: k.maxInFlight,
      onBatch: (topic, partition, lag) => stats.lag.set(`${topic}/${partition}`, lag),
    },
  );

  return {
    stats,
    influx,
    /** Stops consuming, commits what the sinks hold, flushes history and disconnects (SIGTERM path). */
    async stop(): Promise<void> {
      await consumer.disconnect();
      input.complete();
      await done;
      await pending.settle().catch(() => undefined);
      await influx?.close();
      await acksConsumer?.disconnect();
      await producer.disconnect();
    },
  };
}
