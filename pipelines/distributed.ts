import { hostname } from 'node:os';
import { CompressionTypes, type Consumer, type IHeaders, type Producer } from 'kafkajs';
import { asyncScheduler, Subject, type Subscription } from 'rxjs';
import { alertEntry, commandEntry } from '../audit/auditEntries.ts';
import type { AuditEntry } from '../audit/hashChain.ts';
import { kafkaAuditChain } from '../audit/kafkaAuditChain.ts';
import { detectorFeatures, detectorSlots } from '../detectors/detectorSet.ts';
import { AmlContext, firstStageFeatures, type AddressRiskBook } from '../features/index.ts';
import { LatencyRecorder } from '../core/latency.ts';
import {
  countAlert,
  countCommand,
  countDeadLetter,
  countEvents,
  observeStageLatency,
  setConsumerLag,
} from '../core/metrics.ts';
import { PendingWrites } from '../core/pendingWrites.ts';
import type { Alert } from '../schemas/alert.ts';
import type { Config, PolicyConfig } from '../schemas/config.ts';
import type { DeadLetter } from '../schemas/deadLetter.ts';
import { influxWriter } from '../sinks/influx/influxWriter.ts';
import { idempotentProducer } from '../sinks/kafka/renewingProducer.ts';
import { kafkaClient } from '../sinks/kafka/kafkaClient.ts';
import { ensureTopics, stateTopics } from '../sinks/kafka/topics.ts';
import { topicSink } from '../sinks/kafka/topicSink.ts';
import type { CommandDelivery, Sink } from '../sinks/sink.ts';
import { startCrossAssetStage } from './crossAssetStage.ts';
import type { Decision, FeatureFrame } from './envelope.ts';
import { newDecodeStats } from './decode.ts';
import { SCHEMA_VERSION } from '../schemas/common.ts';
import { controlOf } from './controlMessages.ts';
import { formatFor } from './formats/index.ts';
import { heartbeats } from './heartbeats.ts';
import { openRiskLists } from './riskLists.ts';
import { webhookOutput } from './webhookOutput.ts';
import { runKafkaSource } from './sources/kafkaSource.ts';
import { restorePartitions, type PartitionCounts } from './state/changelog.ts';
import { featureSampler } from './state/featureSampler.ts';
import { HEADER, headerNumber, wallMs } from './state/latencyHeaders.ts';
import { PartitionTask, type TaskContext } from './state/partitionTask.ts';
import { StageTimes } from './state/stageTimes.ts';
import { staleFeedOptionsOf, staleFeeds } from './staleFeeds.ts';

export interface DistributedOptions {
  readonly config: Config;
  /** InfluxDB token; history is not written when absent. */
  readonly influxToken?: string;
  /** Distinguishes instances of one group in client ids and logs. */
  readonly instanceId?: string;
  /** Measure event-to-ack latency by reading the engine's acknowledgements back. */
  readonly watchAcks?: boolean;
  /**
   * Told, for every input message about to be processed, its Kafka timestamp (the producer's
   * clock) and the wall-clock time it reached the pipeline (epoch ms): the benchmark's measure of
   * how long messages wait to be read (`flowguard bench --kafka`, eventToPipeline).
   */
  readonly onReceived?: (producedAtMs: number, receivedAtMs: number) => void;
  /** Progress lines (restores, revocations, checkpoint failures); default: stderr. */
  readonly log?: (line: string) => void;
  /**
   * The events consumer crashed and kafkajs will not restart it: this instance reads nothing more
   * (its partitions stay assigned to it until it leaves the group). Default: logged only.
   */
  readonly onConsumerLost?: (error: Error) => void;
  /**
   * HEARTBEATs on the commands topic for the engine's dead-man switch, every
   * `policy.engine.heartbeatIntervalMs`, on this instance's own scope
   * `heartbeat:<groupId>/<instance>`. Off by default in this API (tests and benchmarks count the
   * commands topic); `flowguard run` turns it on.
   */
  readonly heartbeats?: boolean;
  /**
   * The hash-chained audit trail on the audit topic (audit/kafkaAuditChain.ts): every alert and
   * command this instance decides, sealed into its own chain `<groupId>/<instance>/<start time>`,
   * before the input is committed. Off by default in this API; `flowguard run` turns it on.
   */
  readonly audit?: boolean;
  /**
   * The wall-clock stale-feed scan over the keys of this instance's partitions: alerts on the
   * alerts topic (and in the audit chain) when a key, or every key of a venue, goes quiet
   * (policy.staleScanMs, staleAfterMs, venueStaleAfterMs). Off by default in this API (tests count
   * alerts); `flowguard run` turns it on.
   */
  readonly staleFeeds?: boolean;
  /**
   * The address risk lists every partition task reads; default those `config.aml` names, loaded
   * before the consumer starts (a missing or unreadable list is an error) and reloaded every
   * `aml.refreshMs` when their files change.
   */
  readonly riskBook?: AddressRiskBook;
}

/** Counters and latencies of a running distributed pipeline instance (since it started). */
export interface DistributedStats {
  readonly decode: ReturnType<typeof newDecodeStats>;
  alerts: number;
  /** Of `alerts`, those of the stale-feed scan. */
  staleAlerts: number;
  commands: number;
  acks: number;
  lag: Map<string, number>;
  /** From the event's Kafka timestamp (producer's clock) to the ack's arrival back here. */
  readonly eventToAck: LatencyRecorder;
  readonly haltEventToAck: LatencyRecorder;
  /** Processing time of each stage per message. */
  readonly stages: StageTimes;
  checkpoints: number;
  checkpointFailures: number;
  /** Partitions restored from the changelog (each assignment of a partition counts once). */
  restores: number;
  /** Messages skipped because the restored state already held them (a replay after a move). */
  replaySkipped: number;
  /** Partitions this instance runs now. */
  readonly partitions: Set<number>;
  /** HEARTBEATs handed to the commands topic. */
  heartbeats: number;
}

/**
 * The policy each partition task runs. Escalation (two halted venue-symbols halt their venue...)
 * needs every child scope in one book, but a task sees only its partition's keys: run per
 * partition, parent scopes would get commands from several books with clashing sequences. So
 * distributed mode leaves escalation to a consumer of the commands topic (docs/operations.md).
 */
export function distributedPolicy(policy: PolicyConfig): PolicyConfig {
  return policy.escalation.length === 0 ? policy : { ...policy, escalation: [] };
}

/**
 * The first-stage features of one partition task, a fresh set per task: venue_premium's board
 * holds the venues of one partition and the address features' AmlContext (transfer graph, event
 * labels) the transfers of one partition, both checkpointed with the task, so a task decides the
 * same whichever instance runs it. The loaded lists are the process's, read through
 * `riskBook.derive()` (docs/operations.md, "Address features per partition").
 */
export function taskFeatures(riskBook: AddressRiskBook, config: Config) {
  return detectorFeatures(
    firstStageFeatures(new AmlContext(riskBook.derive(), { maxNodes: config.aml.graphMaxNodes })),
    config.detectors,
  );
}

const DEFAULT_CHECKPOINT_MS = 5_000;
const DEFAULT_SAMPLE_MS = 100;

/**
 * The pipeline between Kafka and InfluxDB, one instance of a consumer group. Each input partition
 * it is assigned runs as its own task (pipelines/state/partitionTask.ts) whose per-key state is
 * checkpointed to the compacted changelog every `checkpointIntervalMs`, after its outputs are in
 * Kafka, and restored from there when the partition moves to another instance; only then is the
 * partition's offset committed. Commands are produced keyed by scope (idempotent producer) with
 * deterministic ids, so the messages a new owner replays re-issue the same commands, which the
 * engine answers DUPLICATE. Feature samples go to the feature topic for the cross-asset stage.
 */
export async function startDistributed(o: DistributedOptions) {
  const { config } = o;
  const k = config.kafka;
  const topics = stateTopics(k);
  const suffix = o.instanceId ? `-${o.instanceId}` : '';
  /** Names this instance in its heartbeat scope and audit chain. */
  const instanceName = o.instanceId ?? `${hostname()}-${process.pid}`;
  const log =
    o.log ??
    ((line: string) => process.stderr.write(`flowguard${suffix ? ` ${o.instanceId}` : ''}: ${line}\n`));
  // The lists first: a wrong aml.dir stops the start before anything connects.
  const lists = o.riskBook
    ? undefined
    : await openRiskLists(config.aml, {
        watch: true,
        onError: (e) =>
          log(
            `risk lists ${config.aml.dir}: reload failed, keeping the previous lists: ${(e as Error).message}`,
          ),
      });
  const riskBook = o.riskBook ?? lists!.book;
  if (lists?.dir) log(`risk lists: ${riskBook.listedCount} addresses from ${lists.dir}`);
  const kafka = kafkaClient(k, suffix);
  if (config.policy.escalation.length > 0)
    log('escalation rules are not applied per partition; see docs/operations.md (scale-out)');
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, k);
  await admin.disconnect();

  // Commands have a producer (and connection) of their own: an idempotent producer sends one
  // request at a time, and a halt must not wait behind a checkpoint or a batch of samples. So do
  // checkpoints: the alerts, samples and audit records that the consume loop settles must not
  // queue behind megabytes of state.
  // Each replaces itself after an answer that ends its producer id (sinks/kafka/renewingProducer.ts).
  const commandProducer: Producer = idempotentProducer(kafka, 'command', log);
  const producer: Producer = idempotentProducer(kafka, 'output', log);
  const changelogProducer: Producer = idempotentProducer(kafka, 'changelog', log);
  await Promise.all([commandProducer.connect(), producer.connect(), changelogProducer.connect()]);
  const pending = new PendingWrites();
  const decodeTotals = newDecodeStats();
  const stats: DistributedStats = {
    decode: decodeTotals,
    alerts: 0,
    staleAlerts: 0,
    commands: 0,
    acks: 0,
    lag: new Map(),
    eventToAck: new LatencyRecorder(),
    haltEventToAck: new LatencyRecorder(),
    stages: new StageTimes(),
    checkpoints: 0,
    checkpointFailures: 0,
    restores: 0,
    replaySkipped: 0,
    partitions: new Set(),
    heartbeats: 0,
  };

  // The task whose message is being processed: the command sink stamps its latency headers.
  let running: PartitionTask | undefined;
  const commandSink = topicSink<CommandDelivery>(commandProducer, pending, {
    topic: k.topics.commands,
    key: (d) => d.command.scope.key,
    value: (d) => JSON.stringify(d.command),
    headers: (d): IHeaders => ({
      commandId: d.command.commandId,
      action: d.command.action,
      [HEADER.eventProduced]: String(running?.current.producedAt ?? 0),
      [HEADER.received]: String(running?.current.receivedAt ?? 0),
      [HEADER.decided]: String(wallMs()),
    }),
  });
  const alertSink = topicSink<Alert>(producer, pending, { topic: k.topics.alerts, key: (a) => a.key });
  const deadSink = topicSink<DeadLetter>(producer, pending, {
    topic: k.topics.deadLetters,
    key: (d) => `${d.origin.topic ?? ''}:${d.origin.partition ?? ''}`,
  });
  const audit = o.audit
    ? kafkaAuditChain({
        producer,
        topic: k.topics.audit,
        chainId: `${k.groupId}/${instanceName}/${new Date().toISOString()}`,
        log,
      })
    : undefined;
  const sealed = (entries: AuditEntry[]) => {
    if (audit) void pending.track(Promise.resolve(audit.write(entries)));
  };
  sealed([
    {
      at: Date.now(),
      kind: 'instance',
      id: `${k.groupId}/${instanceName}`,
      action: 'START',
      rationale: `pipeline instance ${instanceName} of group ${k.groupId} started on ${hostname()} (pid ${process.pid}), reading ${k.topics.events}`,
      data: { instance: instanceName, groupId: k.groupId, host: hostname(), pid: process.pid },
    },
  ]);
  const webhook = webhookOutput({
    link: config.policy.engine,
    producer: commandProducer,
    acksTopic: k.topics.acks,
    pending,
    log,
  });
  const influx = o.influxToken ? influxWriter(config.influxdb, o.influxToken) : undefined;
  const sampleMs = k.featureSampleMs ?? DEFAULT_SAMPLE_MS;
  const sampler = sampleMs > 0 ? featureSampler(producer, pending, topics.features, sampleMs) : undefined;
  /** A command was handed to the producer during the current message: the source yields for it. */
  let urgentOutput = false;
  const counting: Sink<CommandDelivery> = {
    name: 'command-count',
    write(batch) {
      urgentOutput = true;
      stats.commands += batch.length;
      for (const d of batch) countCommand(d.command.action, d.command.issuedBy ? 'manual' : 'policy');
      sealed(batch.map((d) => commandEntry(d.command)));
    },
    flush: async () => undefined,
    close: async () => undefined,
  };

  // The stale-feed scan sees the frames of this instance's partitions. When partitions move it
  // starts again, so keys now run elsewhere are not taken for silent ones.
  const frames = o.staleFeeds ? new Subject<FeatureFrame>() : undefined;
  let staleScan: Subscription | undefined;
  const startStaleScan = () => {
    staleScan?.unsubscribe();
    if (!frames) return;
    const p = config.policy;
    staleScan = frames.pipe(staleFeeds(staleFeedOptionsOf(p, asyncScheduler))).subscribe((a) => {
      stats.alerts++;
      stats.staleAlerts++;
      countAlert(a.severity, a.detector);
      void alertSink.write([a]);
      sealed([alertEntry(a)]);
    });
  };
  startStaleScan();

  const ctx: TaskContext = {
    format: formatFor(k.inputFormat, ''),
    features: taskFeatures(riskBook, config),
    taskFeatures: () => taskFeatures(riskBook, config),
    detectors: detectorSlots(config.detectors),
    policy: distributedPolicy(config.policy),
    clock: () => Date.now(),
    deadLetters: (d) => {
      countDeadLetter(d.reason);
      void deadSink.write([d]);
    },
    outputs: {
      commands: [commandSink, ...(webhook ? [webhook] : []), counting],
      alerts: [
        alertSink,
        {
          name: 'alert-count',
          write: (b) => {
            stats.alerts += b.length;
            for (const a of b) countAlert(a.severity, a.detector);
            sealed(b.map(alertEntry));
          },
          flush: async () => undefined,
          close: async () => undefined,
        },
      ],
      decisions: influx ? [influx as Sink<Decision>] : [],
    },
    onFrame: (f: FeatureFrame) => {
      sampler?.add(f);
      frames?.next(f);
    },
    stages: stats.stages,
  };

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
        stats.acks++;
        const produced = headerNumber(message.headers, HEADER.eventProduced);
        if (!produced) return;
        const ms = wallMs() - produced;
        stats.eventToAck.record(ms);
        observeStageLatency('event-to-ack', ms);
        if (message.headers?.[HEADER.action]?.toString() === 'HALT') stats.haltEventToAck.record(ms);
      },
    });
  }

  const tasks = new Map<number, PartitionTask>();
  const restoring = new Map<number, Promise<PartitionTask>>();
  const lastCheckpoint = new Map<number, number>();
  /** The checkpoint being written, per partition: at most one (each builds on the last). */
  const inFlight = new Map<number, Promise<boolean>>();
  /** Partitions being recovered after a failure (`recover`), with the offset to read them from. */
  const recovering = new Map<number, Promise<number>>();
  /**
   * Per task: the output writes (a `pending.mark`) that its last checkpoint, or its start, leaves
   * behind; the next checkpoint fails when a later one up to its snapshot failed.
   */
  const covered = new WeakMap<PartitionTask, number>();
  let assigned = new Set<number>();
  const checkpointMs = k.checkpointIntervalMs ?? DEFAULT_CHECKPOINT_MS;

  const restore = (partitions: number[]) => {
    // A checkpoint of one of them still being written here (the partition was revoked and came
    // back) is read with the rest, or has failed, before the changelog is read.
    const written = Promise.all(partitions.map((p) => inFlight.get(p)));
    const all = written.then(() =>
      restorePartitions(kafka, topics.changelog, partitions, `${k.groupId}-restore${suffix}`),
    );
    const tasksOf = all.then((snaps) => {
      const out = new Map<number, PartitionTask>();
      for (const p of partitions) {
        const snap = snaps.get(p);
        const t = new PartitionTask(p, ctx, snap);
        stats.restores++;
        for (const why of snap?.passedOver ?? []) log(`partition ${p}: passed over a checkpoint: ${why}`);
        log(
          `partition ${p}: restored ${snap?.states.size ?? 0} state records, resuming after offset ${t.nextOffset - 1}`,
        );
        out.set(p, t);
      }
      return out;
    });
    for (const p of partitions) {
      const one = tasksOf.then((m) => m.get(p)!);
      // A failed restore is retried at the partition's next batch.
      one.catch(() => restoring.delete(p));
      restoring.set(p, one);
    }
  };

  const consumer = kafka.consumer({
    groupId: k.groupId,
    maxWaitTimeInMs: k.maxWaitTimeMs,
    minBytes: 1,
    sessionTimeout: k.sessionTimeoutMs ?? 10_000,
    heartbeatInterval: Math.floor((k.sessionTimeoutMs ?? 10_000) / 3),
    rebalanceTimeout: 20_000,
    ...(k.maxBytesPerPartition ? { maxBytesPerPartition: k.maxBytesPerPartition } : {}),
  });
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    const now = new Set(payload.memberAssignment[k.topics.events] ?? []);
    for (const [p, t] of tasks)
      if (!now.has(p)) {
        // The partition moved: its next owner restores it from the changelog.
        t.close();
        tasks.delete(p);
        log(`partition ${p}: revoked`);
      }
    for (const p of restoring.keys()) if (!now.has(p)) restoring.delete(p);
    if ([...assigned].some((p) => !now.has(p))) startStaleScan();
    const fresh = [...now].filter((p) => !tasks.has(p) && !restoring.has(p));
    if (fresh.length > 0) restore(fresh);
    assigned = now;
    stats.partitions.clear();
    for (const p of now) stats.partitions.add(p);
  });
  await consumer.connect();
  await consumer.subscribe({ topic: k.topics.events, fromBeginning: true });

  const taskOf = async (p: number): Promise<PartitionTask> => {
    let t = tasks.get(p);
    if (t) return t;
    // A failed checkpoint of the partition is being recovered from (concurrently with this loop):
    // its task comes back only after the consumer was sent back to the last checkpoint, so that
    // the batch in hand (read past it) is stale and not processed on top of the restored state.
    const again = recovering.get(p);
    if (again) await again;
    if (!restoring.has(p)) restore([p]);
    t = await restoring.get(p)!;
    restoring.delete(p);
    tasks.set(p, t);
    // Writes still in flight may yet take this task's first outputs (a sink adds to the request
    // it has queued): they count as the task's.
    covered.set(t, pending.settledThrough);
    lastCheckpoint.set(p, Date.now());
    return t;
  };

  /**
   * Writes a checkpoint of the task and commits its offset: snapshot (synchronous, so consistent
   * whatever is processed meanwhile), then the outputs of everything in it are awaited, then the
   * state records, then the manifest; the offset is committed last. Runs alongside processing:
   * callers need not await it (the consume loop does not). At most one per partition is written
   * at a time; asked again meanwhile, it returns the one in flight. False when it failed (the
   * partition is then recovered from its last checkpoint) or was given up because the task was
   * dropped (revoked, or recovered after a failure) before its manifest was sent.
   */
  const checkpoint = (t: PartitionTask): Promise<boolean> => {
    const p = t.partition;
    const current = inFlight.get(p);
    if (current) return current;
    if (tasks.get(p) !== t) return Promise.resolve(false);
    // Samples of the frames in the snapshot are outputs too: handed to the producer first.
    sampler?.flush();
    const cp = t.snapshot();
    if (!cp) return Promise.resolve(true);
    // The outputs of every message in the snapshot were tracked by now (sinks are handed them
    // synchronously), and none processed since need be awaited.
    const from = covered.get(t) ?? 0;
    const upTo = pending.mark;
    lastCheckpoint.set(p, Date.now());
    const given = new Error('task dropped during its checkpoint');
    const write = async () => {
      await pending.settleThrough(from, upTo);
      // Gzip (on libuv's pool, off the event loop) shrinks the JSON state about tenfold.
      const send = async (messages: { key: string; value: string }[]) => {
        // Revoked or recovering: its next owner restores from the last checkpoint; a manifest
        // sent now could land after that owner read the changelog.
        if (tasks.get(p) !== t) throw given;
        await changelogProducer.send({
          topic: topics.changelog,
          acks: -1,
          compression: CompressionTypes.GZIP,
          messages: messages.map((r) => ({ ...r, partition: p })),
        });
      };
      let chunk: { key: string; value: string }[] = [];
      let bytes = 0;
      for (const r of cp.records) {
        chunk.push(r);
        bytes += r.value.length;
        if (bytes > 4 * 2 ** 20) {
          await send(chunk);
          chunk = [];
          bytes = 0;
        }
      }
      // The manifest goes last. With the tail of the records it is one request to one partition,
      // one compressed record batch, which the broker appends whole or not at all: no manifest
      // without its records, and one round trip fewer.
      chunk.push(cp.manifestRecord);
      await send(chunk);
      t.confirm(cp);
      covered.set(t, upTo);
      pending.forget(Math.min(...[...tasks.values()].map((x) => covered.get(x) ?? 0)));
      stats.checkpoints++;
      // The committed offset follows the manifest (it serves lag metrics and the next owner's
      // first fetch; the manifest decides what is skipped), so the partition need not wait for
      // it. A rebalance may refuse it: harmless.
      if (assigned.has(p))
        void consumer
          .commitOffsets([{ topic: k.topics.events, partition: p, offset: String(cp.manifest.offset + 1) }])
          .catch(() => undefined);
    };
    const done = write().then(
      () => true,
      async (err: unknown) => {
        // No longer in flight: `recover` waits for the partition's checkpoint before reading the
        // changelog, and this one is over.
        inFlight.delete(p);
        if (err !== given && tasks.get(p) === t) await recover(p, err);
        return false;
      },
    );
    inFlight.set(p, done);
    void done.finally(() => {
      if (inFlight.get(p) === done) inFlight.delete(p);
    });
    return done;
  };

  /**
   * Outputs or a checkpoint did not make it: the state may hold messages whose outputs are lost.
   * Drop it; the partition is restored from its last checkpoint and read again from there.
   */
  const recover = (p: number, err: unknown): Promise<number> => {
    // Once per failure, though the consume loop and a checkpoint may both report it.
    const current = recovering.get(p);
    if (current) return current;
    stats.checkpointFailures++;
    const t = tasks.get(p);
    t?.close();
    tasks.delete(p);
    log(`partition ${p}: ${(err as Error).message}; restoring from the last checkpoint`);
    const again = (async () => {
      await inFlight.get(p);
      for (;;) {
        await new Promise((r) => setTimeout(r, 500));
        try {
          const snap = (
            await restorePartitions(kafka, topics.changelog, [p], `${k.groupId}-restore${suffix}`)
          ).get(p);
          for (const why of snap?.passedOver ?? []) log(`partition ${p}: passed over a checkpoint: ${why}`);
          const next = (snap?.manifest?.offset ?? -1) + 1;
          if (assigned.has(p)) consumer.seek({ topic: k.topics.events, partition: p, offset: String(next) });
          return next;
        } catch (e) {
          log(`partition ${p}: restore failed (${(e as Error).message}); retrying`);
          if (!assigned.has(p)) return 0;
        }
      }
    })();
    recovering.set(p, again);
    void again.finally(() => recovering.delete(p));
    return again;
  };

  const settle = async () => {
    sampler?.flush();
    await pending.settle();
  };
  await runKafkaSource(
    consumer,
    {
      begin: async (p) => (await taskOf(p)).nextOffset,
      onMessage(raw, produced, m) {
        const t = tasks.get(raw.origin.partition!);
        // No task: it failed and is being restored; the partition is read again from its checkpoint.
        if (!t) return;
        const offset = Number(m.offset);
        if (offset < t.nextOffset) {
          stats.replaySkipped++;
          return;
        }
        o.onReceived?.(produced, wallMs());
        const before: PartitionCounts = { ...t.counts };
        running = t;
        const control = controlOf(m);
        if (control === undefined) t.process(raw, offset, produced);
        else if ('override' in control)
          t.control({ kind: 'override', override: control.override }, offset, produced);
        else {
          // An invalid control is skipped like an invalid event, with the reason.
          t.nextOffset = offset + 1;
          t.counts.messages++;
          t.counts.deadLetters++;
          ctx.deadLetters({
            schemaVersion: SCHEMA_VERSION,
            reason: 'invalid control message',
            issues: [control.error],
            rawBase64: Buffer.from(raw.bytes).toString('base64'),
            origin: raw.origin,
            seq: raw.seq,
            receivedAt: Date.now(),
          });
        }
        running = undefined;
        decodeTotals.messages++;
        decodeTotals.events += t.counts.events - before.events;
        decodeTotals.skipped += t.counts.skipped - before.skipped;
        decodeTotals.deadLetters += t.counts.deadLetters - before.deadLetters;
        countEvents(t.counts.events - before.events, 'kafka');
      },
      settle,
      urgent() {
        const u = urgentOutput;
        urgentOutput = false;
        return u;
      },
      async commit(p) {
        sampler?.flush();
        const t = tasks.get(p);
        // Not awaited: the partition's messages go on while the checkpoint waits for their
        // outputs and writes the changelog (a failure is recovered from by `checkpoint` itself).
        if (t && assigned.has(p) && Date.now() - (lastCheckpoint.get(p) ?? 0) >= checkpointMs)
          void checkpoint(t);
        // Checkpoints commit their own offsets.
        return undefined;
      },
      failed: recover,
    },
    {
      maxInFlight: k.maxInFlight,
      log,
      ...(o.onConsumerLost ? { onLost: o.onConsumerLost } : {}),
      onBatch: (topic, partition, lag) => {
        stats.lag.set(`${topic}/${partition}`, lag);
        setConsumerLag(topic, partition, lag);
      },
    },
  );
  // Partitions that went quiet still get their tail checkpointed (and their offset committed).
  const idleCheckpoints = setInterval(() => {
    for (const t of tasks.values())
      if (t.uncheckpointed > 0 && Date.now() - (lastCheckpoint.get(t.partition) ?? 0) >= checkpointMs)
        void checkpoint(t);
  }, checkpointMs);

  const beats = o.heartbeats
    ? heartbeats({
        pipelineId: `${k.groupId}/${instanceName}`,
        intervalMs: config.policy.engine.heartbeatIntervalMs,
        ttlMs: config.policy.engine.deadManMs,
      }).subscribe((command) => {
        stats.heartbeats++;
        // flowguard_commands_total{action="HEARTBEAT"}: a rate of 0 means this instance went quiet.
        countCommand('HEARTBEAT');
        // Through the command sink: in order with the policy's commands, tracked until Kafka has it.
        const d = { command, arrivalMs: performance.now() };
        void commandSink.write([d]);
        void webhook?.write([d]);
      })
    : undefined;

  const cross = sampler ? await startCrossAssetStage(kafka, config, { instanceId: o.instanceId }) : undefined;

  return {
    stats,
    influx,
    cross,
    /** The engine's webhook, when `policy.engine.webhookUrl` is set (pipelines/webhookOutput.ts). */
    webhook,
    /** This instance's audit chain on the audit topic, when `audit` is on. */
    audit,
    /** The instance's name in its heartbeat scope and audit chain. */
    instanceName,
    /** Checkpointed counts of the partitions this instance runs (exact across moves and crashes). */
    partitionCounts(): Map<number, PartitionCounts> {
      return new Map([...tasks].map(([p, t]) => [p, { ...t.counts }]));
    },
    /** Stops consuming, checkpoints and commits what the sinks hold, flushes history and disconnects (SIGTERM path). */
    async stop(): Promise<void> {
      // First: an instance that stops is no longer watching, and the engine must be able to tell.
      beats?.unsubscribe();
      staleScan?.unsubscribe();
      clearInterval(idleCheckpoints);
      await consumer.stop();
      await pending.settle().catch(() => undefined);
      // A stopped kafkajs consumer commits nothing more; the manifest is what the next owner
      // resumes from (it skips what the committed offset is behind by).
      assigned = new Set();
      for (const t of tasks.values()) {
        await inFlight.get(t.partition);
        await checkpoint(t);
        t.close();
      }
      await consumer.disconnect();
      await cross?.stop();
      await webhook?.close();
      await audit?.close();
      await influx?.close();
      await acksConsumer?.disconnect();
      await Promise.all([
        producer.disconnect(),
        commandProducer.disconnect(),
        changelogProducer.disconnect(),
      ]);
      lists?.stop();
    },
  };
}
