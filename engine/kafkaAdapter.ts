import type { Consumer, IHeaders, KafkaMessage, Producer } from 'kafkajs';
import { safeModeEntry } from '../audit/auditEntries.ts';
import { kafkaAuditChain } from '../audit/kafkaAuditChain.ts';
import { PendingWrites } from '../core/pendingWrites.ts';
import { Command } from '../schemas/command.ts';
import { SCHEMA_VERSION } from '../schemas/common.ts';
import { Ack } from '../schemas/ack.ts';
import type { KafkaConfig } from '../schemas/kafkaConfig.ts';
import { kafkaClient } from '../sinks/kafka/kafkaClient.ts';
import { readPartitions } from '../sinks/kafka/readPartitions.ts';
import { idempotentProducer } from '../sinks/kafka/renewingProducer.ts';
import { ensureTopics } from '../sinks/kafka/topics.ts';
import { runKafkaSource } from '../pipelines/sources/kafkaSource.ts';
import { HEADER, wallMs } from '../pipelines/state/latencyHeaders.ts';
import type { ReferenceEngine } from './referenceEngine.ts';
import { safeModeWatch } from './safeModeWatch.ts';

export interface EngineOnKafkaOptions {
  /** Consumer group of the engine; default `<groupId>-engine`. */
  readonly groupId?: string;
  /**
   * How far back the acks topic is read at start to learn which commands were already answered
   * (default 1 h): a command re-delivered after an engine restart is answered DUPLICATE, not
   * applied again. Older commands are past their TTL and are refused as expired anyway.
   */
  readonly dedupWindowMs?: number;
  /** Sees every command answered, with its ack (the benchmark maps acks to actions). */
  readonly onAck?: (command: Command, ack: Ack) => void;
  /**
   * How often the engine's dead-man switch is checked against the clock while no command arrives
   * (default 250 ms); only matters for an engine created with `deadMan` (engine/referenceEngine.ts).
   */
  readonly watchdogMs?: number;
  /**
   * Seal the engine's safe-mode changes into a hash chain of its own on the audit topic
   * (audit/kafkaAuditChain.ts), keyed `engine/<engineId>/<start time>`: the engine's decision to
   * restrict all trading, and the resume that ended it, next to the pipeline's decisions.
   */
  readonly audit?: boolean;
  /** Where the adapter reports recoveries (default: standard error). */
  readonly log?: (line: string) => void;
  /** The commands consumer crashed and kafkajs will not restart it: no command is read any more. */
  readonly onConsumerLost?: (error: Error) => void;
}

/** At most one offset commit per partition per this interval. */
const COMMIT_INTERVAL_MS = 200;

/** Headers of the command that the ack carries back, for the latency split. */
const FORWARDED = [HEADER.eventProduced, HEADER.received, HEADER.decided, HEADER.action] as const;

/**
 * The reference engine on Kafka: consumes the commands topic (its own consumer group), applies each
 * command once, and answers on the acks topic keyed by commandId. A command that does not validate
 * is answered REJECTED with the reason when it has a commandId, and is dead-lettered otherwise.
 * Offsets are committed after the acks are written. At start the adapter reads the recent acks
 * back, so a command it answered before a restart (and that is re-delivered because its offset was
 * not committed yet, or because the pipeline replayed it) is answered DUPLICATE: exactly once
 * across restarts of either side, as far back as the acks topic and `dedupWindowMs` reach.
 * When an ack cannot be written (the broker went away, or refused the producer id: the producer
 * then renews itself), the partition is read again from its last commit and the answers the engine
 * gave meanwhile are written again unchanged. An engine with a dead-man switch is watched from the moment the adapter starts: when no
 * HEARTBEAT from any pipeline instance came for its timeout, it enters safe mode by itself.
 */
export async function runEngineOnKafka(
  engine: ReferenceEngine,
  config: KafkaConfig,
  options: EngineOnKafkaOptions = {},
) {
  const kafka = kafkaClient(config, '-engine');
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, config);
  await admin.disconnect();
  const groupId = options.groupId ?? `${config.groupId}-engine`;
  // Watched from the start: an engine that cannot reach Kafka must still enter safe mode.
  const stopWatchdog = engine.startWatchdog(options.watchdogMs ?? 250);

  const answered = new Map<string, Ack>();
  await readPartitions(kafka, config.topics.acks, {
    fromTimestamp: Date.now() - (options.dedupWindowMs ?? 3_600_000),
    groupPrefix: `${groupId}-dedup`,
    onMessage(_p, m) {
      let json: unknown;
      try {
        json = m.value ? JSON.parse(m.value.toString('utf8')) : undefined;
      } catch {
        return;
      }
      const a = Ack.safeParse(json);
      if (a.success && a.data.status !== 'DUPLICATE' && a.data.engineId === engine.engineId)
        answered.set(a.data.commandId, a.data);
    },
  });

  const log = options.log ?? ((line: string) => process.stderr.write(`flowguard engine: ${line}\n`));
  const producer: Producer = idempotentProducer(kafka, 'acks', log);
  await producer.connect();
  const audit = options.audit
    ? kafkaAuditChain({
        producer,
        topic: config.topics.audit,
        chainId: `engine/${engine.engineId}/${new Date().toISOString()}`,
      })
    : undefined;
  const checkSafeMode = audit
    ? safeModeWatch(engine, (e) => void audit.write([safeModeEntry(engine.engineId, e)]))
    : () => undefined;
  checkSafeMode();
  const safeModeTimer = setInterval(checkSafeMode, options.watchdogMs ?? 250);
  safeModeTimer.unref();
  const consumer: Consumer = kafka.consumer({
    groupId,
    maxWaitTimeInMs: config.maxWaitTimeMs,
    minBytes: 1,
  });
  // Heartbeats could not be heard before the consumer joined: the silence window starts again
  // then, once (a switch that tripped meanwhile stays tripped).
  const offJoin = consumer.on(consumer.events.GROUP_JOIN, () => {
    engine.armDeadMan();
    offJoin();
  });
  await consumer.connect();
  await consumer.subscribe({ topic: config.topics.commands, fromBeginning: true });
  const pending = new PendingWrites();
  const write = (topic: string, key: string, value: unknown, headers?: IHeaders) =>
    pending.track(
      producer.send({
        topic,
        acks: -1,
        messages: [{ key, value: JSON.stringify(value), ...(headers ? { headers } : {}) }],
      }),
    );
  const send = (topic: string, key: string, value: unknown, headers?: IHeaders) =>
    void write(topic, key, value, headers).catch(() => undefined);
  /**
   * Answers whose write failed, by commandId. The batch that carried their commands fails too and
   * is read again from the last committed offset (`failed` below); the engine has applied those
   * commands already, so the answer it gave is written again as it was, not turned into DUPLICATE.
   */
  const unsent = new Map<string, { ack: Ack; headers?: IHeaders }>();
  const sendAck = (ack: Ack, headers?: IHeaders) =>
    void write(config.topics.acks, ack.commandId, ack, headers).then(
      () => unsent.delete(ack.commandId),
      () => unsent.set(ack.commandId, { ack, ...(headers ? { headers } : {}) }),
    );
  let recoveries = 0;
  const ackHeaders = (m: KafkaMessage, receivedAt: number, action: string): IHeaders => {
    const h: IHeaders = {};
    for (const name of FORWARDED) {
      const v = m.headers?.[name];
      if (v !== undefined) h[name] = Array.isArray(v) ? v[0]! : v;
    }
    h[HEADER.action] = action;
    h[HEADER.engineReceived] = String(receivedAt);
    h[HEADER.engineAcked] = String(wallMs());
    return h;
  };
  let applied = 0;
  let replayedDuplicates = 0;
  await runKafkaSource(
    consumer,
    {
      onMessage(raw, _produced, m) {
        const receivedAt = wallMs();
        let json: unknown;
        try {
          json = JSON.parse(raw.bytes);
        } catch {
          json = undefined;
        }
        const parsed = Command.safeParse(json);
        if (parsed.success) {
          const cmd = parsed.data;
          const lost = unsent.get(cmd.commandId);
          if (lost) {
            // Answered before the failure, never delivered: the same answer again.
            sendAck(lost.ack, lost.headers);
            return;
          }
          const before = answered.get(cmd.commandId);
          let ack: Ack;
          if (before) {
            // Answered before this adapter started: the engine must not see it again.
            replayedDuplicates++;
            ack = {
              ...before,
              status: 'DUPLICATE',
              reason: `already ${before.status.toLowerCase()}`,
              ackedAt: Date.now(),
            };
          } else {
            ack = engine.apply(cmd);
            applied++;
            checkSafeMode();
          }
          options.onAck?.(cmd, ack);
          sendAck(ack, ackHeaders(m, receivedAt, cmd.action));
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
          sendAck(ack);
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
      // A write or a commit failed (the broker went away, or the producer id ended): read the
      // partition again from its last commit. Commands applied since then answer as they did.
      async failed(partition, err, from) {
        recoveries++;
        log(
          `partition ${partition}: ${(err as Error).message}; reading the commands again from offset ${from}`,
        );
        await new Promise((r) => setTimeout(r, 200));
        return from;
      },
      // Every command is answered at once: its ack leaves before the next command is applied.
      urgent: () => true,
    },
    {
      maxInFlight: 1000,
      commitIntervalMs: COMMIT_INTERVAL_MS,
      log,
      ...(options.onConsumerLost ? { onLost: options.onConsumerLost } : {}),
    },
  );
  return {
    get applied() {
      return applied;
    },
    /** Commands answered DUPLICATE from the acks read back at start (re-deliveries across a restart). */
    get replayedDuplicates() {
      return replayedDuplicates;
    },
    /** Batches read again after a failed write or commit. */
    get recoveries() {
      return recoveries;
    },
    /** Commands known answered from before this adapter started. */
    get knownAnswered() {
      return answered.size;
    },
    async stop() {
      stopWatchdog();
      clearInterval(safeModeTimer);
      checkSafeMode();
      await consumer.disconnect();
      await pending.settle().catch(() => undefined);
      await audit?.close();
      await producer.disconnect();
    },
  };
}
