import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { HEADER } from '../pipelines/state/latencyHeaders.ts';
import { Ack } from '../schemas/ack.ts';
import { Alert } from '../schemas/alert.ts';
import { Command } from '../schemas/command.ts';
import type { KafkaConfig } from '../schemas/kafkaConfig.ts';
import type { Sink } from '../sinks/sink.ts';
import type { AckView } from './liveFeeds.ts';

export interface KafkaFeedsOptions {
  readonly kafka: Kafka;
  readonly config: KafkaConfig;
  /** A consumer group of this reader's own (every desk reads every message). */
  readonly groupId: string;
  /** How far back to start each topic (default 24 h): the page's backlog and the halts in force. */
  readonly backlogMs?: number;
  readonly alerts: Sink<Alert>;
  /** Commands other than heartbeats, in the order of their partition (one scope, one order). */
  readonly commands: Sink<Command>;
  /** Acks of those commands. */
  readonly acks: Sink<AckView>;
  readonly log?: (line: string) => void;
}

/** Commands remembered to complete acks that lack the scope (engines other than the reference). */
const REMEMBERED = 10_000;

const parse =
  <T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }) =>
  (m: KafkaMessage): T | undefined => {
    try {
      const r = schema.safeParse(JSON.parse(m.value?.toString('utf8') ?? ''));
      return r.success ? r.data : undefined;
    } catch {
      return undefined;
    }
  };
const parseAlert = parse<Alert>(Alert);
const parseCommand = parse<Command>(Command);
const parseAck = parse<Ack>(Ack);

/**
 * The alerts, commands and acks topics as the desk's live feeds, so that the desk of any instance
 * shows what every instance decides and what the engine answered. A consumer group of its own,
 * started `backlogMs` back on every partition; heartbeats and their acks are left out (they are
 * for the engine's dead-man switch, not for people). Messages that do not validate are skipped.
 */
export async function startKafkaFeeds(o: KafkaFeedsOptions): Promise<{
  running(): boolean;
  stop(): Promise<void>;
}> {
  const t = o.config.topics;
  const topics = [t.alerts, t.commands, t.acks];
  const from = Date.now() - (o.backlogMs ?? 86_400_000);
  const admin = o.kafka.admin();
  await admin.connect();
  const starts = new Map<string, { partition: number; offset: string }[]>();
  try {
    for (const topic of topics) starts.set(topic, await admin.fetchTopicOffsetsByTimestamp(topic, from));
  } finally {
    await admin.disconnect();
  }
  const known = new Map<string, Command>();
  const consumer: Consumer = o.kafka.consumer({
    groupId: o.groupId,
    maxWaitTimeInMs: o.config.maxWaitTimeMs,
    allowAutoTopicCreation: false,
  });
  let up = false;
  consumer.on(consumer.events.GROUP_JOIN, () => (up = true));
  consumer.on(consumer.events.CRASH, (e) => {
    up = false;
    o.log?.(`risk desk: live feed consumer crashed (${e.payload.error.message})`);
  });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ topic, message }) => {
      if (topic === t.alerts) {
        const a = parseAlert(message);
        if (a) void o.alerts.write([a]);
      } else if (topic === t.commands) {
        const c = parseCommand(message);
        if (!c || c.action === 'HEARTBEAT') return;
        known.set(c.commandId, c);
        if (known.size > REMEMBERED) known.delete(known.keys().next().value!);
        void o.commands.write([c]);
      } else {
        const a = parseAck(message);
        if (!a) return;
        const c = known.get(a.commandId);
        const action = (c?.action ?? message.headers?.[HEADER.action]?.toString()) as
          Command['action'] | undefined;
        const scopeKey = a.scopeKey ?? c?.scope.key;
        if (!action || action === 'HEARTBEAT' || !scopeKey || scopeKey.startsWith('heartbeat:')) return;
        void o.acks.write([{ ...a, action, scopeKey, ...(c?.issuedBy ? { issuedBy: c.issuedBy } : {}) }]);
      }
    },
  });
  for (const [topic, offsets] of starts)
    for (const { partition, offset } of offsets) consumer.seek({ topic, partition, offset });
  return {
    running: () => up,
    async stop() {
      await consumer.disconnect();
      const a = o.kafka.admin();
      await a.connect();
      await a.deleteGroups([o.groupId]).catch(() => undefined);
      await a.disconnect();
    },
  };
}
