import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Kafka, Message } from 'kafkajs';
import { LatencyRecorder } from '../core/latency.ts';
import { runEngineOnKafka } from '../engine/kafkaAdapter.ts';
import { ReferenceEngine } from '../engine/referenceEngine.ts';
import { startDistributed } from '../pipelines/distributed.ts';
import { HEADER, headerNumber, wallMs } from '../pipelines/state/latencyHeaders.ts';
import type { Stage } from '../pipelines/state/stageTimes.ts';
import { Config } from '../schemas/config.ts';
import { kafkaClient } from '../sinks/kafka/kafkaClient.ts';
import { ensureTopics, stateTopics, topicLayout } from '../sinks/kafka/topics.ts';
import { simulateMarket, type SimPump } from '../simulator/marketSimulator.ts';

export interface KafkaBenchOptions {
  readonly brokers: readonly string[];
  /** Offered events per second in the paced phase. */
  readonly rate: number;
  readonly seconds: number;
  /** Pipeline instances (child processes in one consumer group). */
  readonly instances: number;
  /** Events produced before the instances start, drained at full speed to measure capacity. */
  readonly backlog: number;
  readonly partitions: number;
  readonly seed: number;
  /** Run the cross-asset second stage in the instances (feature topic, pair frames). */
  readonly crossStage: boolean;
  readonly log: (line: string) => void;
}

type Summary = ReturnType<LatencyRecorder['summary']>;

/** What an instance reports to the bench over IPC. */
interface InstanceReport {
  readonly id: string;
  readonly processed: number;
  readonly lastProcessedAt: number;
  readonly partitions: number[];
  readonly stages?: Record<Stage, Summary>;
  readonly checkpoints: number;
  readonly restores: number;
  readonly deadLetters: number;
  readonly commands: number;
  readonly rssBytes: number;
  readonly heapBytes: number;
  /**
   * Final report only: the instance's event-to-pipeline latencies (event produced → the instance
   * about to process it) of the paced phase, every one up to a million, a uniform sample beyond.
   */
  readonly eventToPipeline?: { readonly summary: Summary; readonly samples: number[] };
}

/** Parts of the command path, from the event's produce to its command's ack arriving back. */
const PATH = ['kafkaIn', 'pipeline', 'toEngine', 'engineApply', 'ackReturn'] as const;
type PathPart = (typeof PATH)[number];

const round = (s: Summary, digits = 2) => ({
  count: s.count,
  p50Ms: +s.p50Ms.toFixed(digits),
  p99Ms: +s.p99Ms.toFixed(digits),
  maxMs: +s.maxMs.toFixed(digits),
  meanMs: +s.meanMs.toFixed(digits),
});

const VENUES = ['venue-a', 'venue-b', 'venue-c', 'venue-d'];

/**
 * Pumps on every venue-symbol, staggered, one key after another, so that halts come all through
 * the run. Each key is pumped once per round of all twelve: the default pump rule, like a desk,
 * is slow to trust a key's returns again right after a pump and its dump (docs/detectors.md).
 */
function pumps(untilMs: number): SimPump[] {
  const keys = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'].flatMap((symbol) =>
    VENUES.map((venue) => ({ venue, symbol })),
  );
  const out: SimPump[] = [];
  for (let t = 60_000, i = 0; t < untilMs; t += 12_500, i++) {
    const k = keys[i % keys.length]!;
    out.push({ kind: 'pump', ...k, startMs: t, durationMs: 15_000, rise: 0.1, intensity: 30 });
  }
  return out;
}

/** The simulated events as Kafka messages keyed by venue:symbol, in event-time order. */
function generate(count: number, seed: number): Message[] {
  // Simulated flow is about 1,900 events per second of event time on 3 symbols x 4 venues: the
  // horizon is an upper bound, generation stops at `count`.
  const horizon = (count / 1_000) * 1000;
  const out: Message[] = [];
  for (const e of simulateMarket({ seed, venues: VENUES, manipulations: pumps(horizon) }, horizon)) {
    out.push({ key: 'venue' in e ? `${e.venue}:${e.symbol}` : 'other', value: JSON.stringify(e) });
    if (out.length >= count) break;
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline)
      throw new Error(`kafka bench: timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

/** A plain kafkajs consumer reading `count` messages of the topic from the start: the client's ceiling. */
async function rawConsumeRate(kafka: Kafka, topic: string, count: number): Promise<number> {
  const consumer = kafka.consumer({ groupId: `bench-raw-${Date.now()}`, maxWaitTimeInMs: 20 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let n = 0;
  let first = 0;
  let last = 0;
  await consumer.run({
    eachBatch: async ({ batch }) => {
      if (n === 0) first = performance.now();
      n += batch.messages.length;
      last = performance.now();
    },
  });
  await until(() => n >= count, 300_000, 'the raw consumer');
  await consumer.disconnect();
  return Math.round((n / (last - first)) * 1000);
}

/**
 * The pipeline on the real local broker: simulated events (pumps on every key) offered at a fixed
 * rate to N pipeline instances (child processes, one consumer group), the reference engine on
 * Kafka answering their commands. Measures, in one run: a plain kafkajs consumer's rate on the
 * same topic; the instances' capacity draining a backlog; the sustained rate at the offered load;
 * event-to-ack latency (event produced → ack read back, one clock) of every command and of halts,
 * split along the command path; and each stage's processing time per message.
 */
export async function benchKafka(o: KafkaBenchOptions) {
  const id = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
  const topics = Object.fromEntries(
    ['events', 'commands', 'acks', 'alerts', 'deadLetters', 'audit'].map((t) => [t, `bench-${id}-${t}`]),
  );
  const config = Config.parse({
    kafka: {
      brokers: o.brokers,
      groupId: `bench-${id}`,
      topics,
      eventsTopic: { partitions: o.partitions },
      outputTopic: { partitions: 3 },
      featureSampleMs: o.crossStage ? 100 : 0,
    },
  });
  const k = config.kafka;
  const kafka = kafkaClient(k, '-bench');
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, k);
  const dir = mkdtempSync(join(tmpdir(), 'flowguard-bench-'));
  const configFile = join(dir, 'config.json');
  writeFileSync(configFile, JSON.stringify({ kafka: k }));
  const children: ChildProcess[] = [];
  const reports = new Map<string, InstanceReport>();
  let adapter: Awaited<ReturnType<typeof runEngineOnKafka>> | undefined;
  const acks = kafka.consumer({ groupId: `bench-${id}-watch`, maxWaitTimeInMs: 5 });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  try {
    const paced = Math.round(o.rate * o.seconds);
    o.log(`generating ${o.backlog + paced} simulated events`);
    const messages = generate(o.backlog + paced, o.seed);
    await producer.connect();
    o.log(`producing a backlog of ${o.backlog} events`);
    for (let i = 0; i < o.backlog; i += 2_000)
      await producer.send({
        topic: k.topics.events,
        acks: -1,
        messages: messages.slice(i, Math.min(i + 2_000, o.backlog)),
      });
    const rawPerSec = await rawConsumeRate(kafka, k.topics.events, o.backlog);
    o.log(`plain kafkajs consumer: ${rawPerSec} messages/s`);

    // The engine and the ack watcher run here, so an ack's arrival is read on the producer's clock.
    const engine = new ReferenceEngine('bench-engine');
    adapter = await runEngineOnKafka(engine, k);
    let pacedFrom = Infinity;
    const total = { all: new LatencyRecorder(), halts: new LatencyRecorder() };
    const newPath = () =>
      Object.fromEntries(PATH.map((p) => [p, new LatencyRecorder()])) as Record<PathPart, LatencyRecorder>;
    const path = newPath();
    const allPath = newPath();
    let acksRead = 0;
    await acks.connect();
    await acks.subscribe({ topic: k.topics.acks, fromBeginning: true });
    await acks.run({
      eachMessage: async ({ message: m }) => {
        const arrived = wallMs();
        acksRead++;
        const h = m.headers;
        const produced = headerNumber(h, HEADER.eventProduced);
        if (produced === undefined || produced < pacedFrom) return;
        const ms = arrived - produced;
        total.all.record(ms);
        const halt = h?.[HEADER.action]?.toString() === 'HALT';
        if (halt) total.halts.record(ms);
        const recv = headerNumber(h, HEADER.received);
        const decided = headerNumber(h, HEADER.decided);
        const eRecv = headerNumber(h, HEADER.engineReceived);
        const eAck = headerNumber(h, HEADER.engineAcked);
        if (!recv || !decided || !eRecv || !eAck) return;
        for (const split of halt ? [path, allPath] : [allPath]) {
          split.kafkaIn.record(recv - produced);
          split.pipeline.record(decided - recv);
          split.toEngine.record(eRecv - decided);
          split.engineApply.record(eAck - eRecv);
          split.ackReturn.record(arrived - eAck);
        }
      },
    });

    o.log(`starting ${o.instances} pipeline instance(s)`);
    const self = fileURLToPath(import.meta.url);
    for (let i = 0; i < o.instances; i++) {
      const child = fork(self, ['--kafka-bench-instance', configFile, `i${i}`], {
        execArgv: ['--import', import.meta.resolve('tsx')],
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      });
      child.on('message', (r: InstanceReport) => reports.set(r.id, r));
      children.push(child);
    }
    const processed = () => [...reports.values()].reduce((s, r) => s + r.processed, 0);
    const lastAt = () => Math.max(0, ...[...reports.values()].map((r) => r.lastProcessedAt));
    const assignedAll = () => {
      const rs = [...reports.values()];
      const parts = rs.flatMap((r) => r.partitions);
      return (
        rs.length === o.instances &&
        rs.every((r) => r.partitions.length > 0) &&
        new Set(parts).size === o.partitions &&
        parts.length === o.partitions
      );
    };
    // Capacity: the drain rate once every instance holds its share (start-up and rebalances excluded).
    await until(() => assignedAll() || processed() >= o.backlog, 180_000, 'the instances to join the group');
    await until(assignedAll, 180_000, 'a stable assignment');
    const stableAt = wallMs();
    const stableCount = processed();
    await until(() => processed() >= o.backlog, 600_000, 'the backlog to drain');
    const drained = processed() - stableCount;
    const capacity = drained > o.backlog / 10 ? Math.round((drained / (lastAt() - stableAt)) * 1000) : null;
    o.log(`backlog drained; capacity ${capacity ?? 'n/a (drained before the group was stable)'} events/s`);

    // Paced phase: `rate` events per second in small sends, each timestamped when sent.
    pacedFrom = Date.now();
    for (const c of children) c.send({ pacedFrom });
    const start = performance.now();
    let sent = o.backlog;
    let lagMax = 0;
    while (sent < messages.length) {
      const due = Math.min(
        messages.length,
        o.backlog + Math.floor(((performance.now() - start) / 1000) * o.rate),
      );
      if (due > sent) {
        // At most 1000 per request: after a stall the due events must not exceed the broker's limit.
        const batch = messages.slice(sent, Math.min(due, sent + 1_000));
        sent += batch.length;
        await producer.send({ topic: k.topics.events, acks: 1, messages: batch });
      }
      lagMax = Math.max(lagMax, sent - processed());
      await sleep(2);
    }
    const sendSeconds = (performance.now() - start) / 1000;
    await until(() => processed() >= messages.length, 600_000, 'the paced events to be processed');
    const pacedSeconds = (lastAt() - (performance.timeOrigin + start)) / 1000;
    // Acks of the last commands are on their way: wait until the engine has answered everything.
    await until(
      () => acksRead >= engine.applied + engine.duplicates + engine.rejected && engine.applied > 0,
      60_000,
      'acks',
    );
    await sleep(500);

    for (const c of children) c.send('stop');
    await until(
      () => [...reports.values()].every((r) => r.stages !== undefined),
      60_000,
      'the instances to stop',
    );
    const rs = [...reports.values()].sort((a, b) => a.id.localeCompare(b.id));
    const halts = round(total.halts.summary());
    // Every instance's samples pooled; count, max and mean exact.
    const pooled = new LatencyRecorder(Infinity);
    for (const r of rs) for (const v of r.eventToPipeline?.samples ?? []) pooled.record(v);
    const parts = rs.flatMap((r) =>
      r.eventToPipeline && r.eventToPipeline.summary.count > 0 ? [r.eventToPipeline.summary] : [],
    );
    const count = parts.reduce((n, x) => n + x.count, 0);
    const eventToPipeline = round({
      count,
      p50Ms: pooled.percentile(50),
      p99Ms: pooled.percentile(99),
      maxMs: count > 0 ? Math.max(...parts.map((x) => x.maxMs)) : Number.NaN,
      meanMs: count > 0 ? parts.reduce((n, x) => n + x.meanMs * x.count, 0) / count : Number.NaN,
    });
    return {
      mode: 'kafka',
      instances: o.instances,
      partitions: o.partitions,
      offeredRate: o.rate,
      seconds: o.seconds,
      crossStage: o.crossStage,
      /** Sustained rate of the paced phase: paced events over the time until the last was processed. */
      eventsPerSec: Math.round(paced / pacedSeconds),
      p50Ms: halts.p50Ms,
      p99Ms: halts.p99Ms,
      maxMs: halts.maxMs,
      halts,
      allCommands: round(total.all.summary()),
      /** Halts' event-to-ack split: produce→pipeline receipt, pipeline, →engine, engine, ack→back here. */
      haltPath: Object.fromEntries(PATH.map((p) => [p, round(path[p].summary(), 3)])) as Record<
        PathPart,
        Summary
      >,
      /** The same split for every command of the paced phase (halts included). */
      allCommandsPath: Object.fromEntries(PATH.map((p) => [p, round(allPath[p].summary(), 3)])) as Record<
        PathPart,
        Summary
      >,
      /**
       * Every paced event, from its produce to the instance about to process it (Kafka in, for
       * every event rather than those that issue a command: the tail that a stalled consume loop
       * adds to any halt). Across instances the percentiles pool their samples.
       */
      eventToPipeline,
      /** Processing time per message of each stage, per instance (ms). */
      stages: rs.map((r) => ({
        instance: r.id,
        perMessage: Object.fromEntries(
          Object.entries(r.stages ?? {}).map(([s, v]) => [s, round(v, 4)]),
        ) as Record<Stage, Summary>,
      })),
      capacityEventsPerSec: capacity,
      rawConsumeEventsPerSec: rawPerSec,
      producerSeconds: +sendSeconds.toFixed(2),
      backlog: o.backlog,
      pacedEvents: paced,
      maxLagEvents: lagMax,
      commands: rs.reduce((s, r) => s + r.commands, 0),
      engine: { applied: engine.applied, duplicates: engine.duplicates, rejected: engine.rejected },
      deadLetters: rs.reduce((s, r) => s + r.deadLetters, 0),
      perInstance: rs.map((r) => ({
        instance: r.id,
        partitions: r.partitions,
        processed: r.processed,
        checkpoints: r.checkpoints,
        restores: r.restores,
        rssMiB: Math.round(r.rssBytes / 2 ** 20),
        eventToPipeline: r.eventToPipeline ? round(r.eventToPipeline.summary) : null,
      })),
    };
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
    await Promise.all(
      children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : undefined)),
    );
    await acks.disconnect().catch(() => undefined);
    await adapter?.stop().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    const all = [...topicLayout(k).map((t) => t.topic), stateTopics(k).changelog];
    await admin.deleteTopics({ topics: [...new Set(all)] }).catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A pipeline instance of the benchmark (a child process): runs, reports over IPC, stops on request. */
async function instanceMain(configFile: string, id: string): Promise<void> {
  const config = Config.parse(JSON.parse(readFileSync(configFile, 'utf8')));
  let pacedFrom = Infinity;
  const toPipeline = new LatencyRecorder(1_000_000);
  const rt = await startDistributed({
    config,
    instanceId: id,
    onReceived(produced, received) {
      if (produced >= pacedFrom) toPipeline.record(received - produced);
    },
  });
  let last = -1;
  let lastAt = 0;
  const report = (final: boolean): InstanceReport => {
    const s = rt.stats;
    if (s.decode.messages !== last) {
      last = s.decode.messages;
      lastAt = wallMs();
    }
    const mem = process.memoryUsage();
    return {
      id,
      processed: s.decode.messages,
      lastProcessedAt: lastAt,
      partitions: [...s.partitions],
      checkpoints: s.checkpoints,
      restores: s.restores,
      deadLetters: s.decode.deadLetters,
      commands: s.commands,
      rssBytes: mem.rss,
      heapBytes: mem.heapUsed,
      ...(final
        ? {
            stages: s.stages.summary(),
            eventToPipeline: { summary: toPipeline.summary(), samples: toPipeline.sampled() },
          }
        : {}),
    };
  };
  const timer = setInterval(() => process.send?.(report(false)), 20);
  process.on('message', (m: unknown) => {
    if (typeof m === 'object' && m !== null && 'pacedFrom' in m) pacedFrom = Number(m.pacedFrom);
    if (m !== 'stop') return;
    clearInterval(timer);
    void rt.stop().then(() => {
      process.send?.(report(true), () => process.exit(0));
    });
  });
}

if (
  process.argv[2] === '--kafka-bench-instance' &&
  resolve(process.argv[1] ?? '') === fileURLToPath(import.meta.url)
)
  void instanceMain(process.argv[3]!, process.argv[4]!);
