import type { AuditEntry as ChainLine } from '../audit/hashChain.ts';
import type { Alert } from '../schemas/alert.ts';
import type { Command } from '../schemas/command.ts';
import type { Config } from '../schemas/config.ts';
import { InfluxHistory } from '../sinks/influx/influxHistory.ts';
import { kafkaClient } from '../sinks/kafka/kafkaClient.ts';
import { idempotentProducer } from '../sinks/kafka/renewingProducer.ts';
import { MemoryFeed } from '../sinks/memoryFeed.ts';
import type { CommandDelivery, Sink } from '../sinks/sink.ts';
import type { AccessConfig } from './accessConfig.ts';
import { MemoryAuditLog, type AuditLog } from './audit.ts';
import { chainedAudit } from './chainedAudit.ts';
import { commandHalts } from './commandHalts.ts';
import type { RiskDeskDeps } from './deps.ts';
import { influxHistoryStore } from './influxHistoryStore.ts';
import { startKafkaFeeds } from './kafkaFeeds.ts';
import { kafkaGateway } from './kafkaGateway.ts';
import type { AckView } from './liveFeeds.ts';
import { MemoryHistory } from './memoryHistory.ts';
import { SeriesStore } from './seriesStore.ts';

export interface DistributedDeskOptions {
  readonly config: Config;
  readonly access: AccessConfig;
  /** Names this desk's consumer group: `<groupId>-desk-<instance>-<start>`. */
  readonly instanceName: string;
  /** InfluxDB token: history from InfluxDB; without it, history of what the feeds saw. */
  readonly influxToken?: string;
  /** The instance's audit chain (audit/kafkaAuditChain.ts): desk requests are sealed into it. */
  readonly chain?: Sink<ChainLine>;
  /** The engine's webhook, when configured: the desk's direct commands are POSTed there too. */
  readonly webhook?: Sink<CommandDelivery>;
  /** Whether the pipeline instance still runs, for readiness. */
  readonly running: () => boolean;
  /** How far back the feeds start (default 24 h). */
  readonly backlogMs?: number;
  /** Each desk request, e.g. printed. */
  readonly onAudit?: (e: import('./audit.ts').AuditEntry) => void;
  readonly log?: (line: string) => void;
}

/**
 * The risk desk wired to the distributed mode: live feeds and halts from the Kafka alerts, commands
 * and acks topics (every instance's desk shows everything), manual commands through
 * `kafkaGateway` (a venue-symbol's through its partition's policy), history from InfluxDB, desk
 * requests sealed into the instance's audit chain before they are acted on.
 */
export async function distributedDesk(o: DistributedDeskOptions): Promise<{
  readonly deps: RiskDeskDeps;
  stop(): Promise<void>;
}> {
  const alerts = new MemoryFeed<Alert>('alerts');
  const commands = new MemoryFeed<Command>('commands');
  const acks = new MemoryFeed<AckView>('acks');
  const halts = commandHalts();
  const series = new SeriesStore();
  const memory = o.influxToken ? undefined : new MemoryHistory();
  alerts.subscribe(({ value: a }) => {
    memory?.addAlert(a);
    series.recordScore(a.key, a.eventTime, a.score);
  });
  commands.subscribe(({ value: c }) => {
    halts.apply(c);
    memory?.addCommand(c);
    if (c.evidence) series.recordScore(c.scope.key, c.eventTime, c.evidence.score);
  });
  const kafka = kafkaClient(o.config.kafka, `-desk-${o.instanceName}`);
  // Manual commands and control messages: a producer of the desk's own, so that a person's halt
  // never waits behind the pipeline's batches.
  const producer = idempotentProducer(kafka, 'desk');
  await producer.connect();
  const feeds = await startKafkaFeeds({
    kafka,
    config: o.config.kafka,
    groupId: `${o.config.kafka.groupId}-desk-${o.instanceName}-${Date.now().toString(36)}`,
    ...(o.backlogMs !== undefined ? { backlogMs: o.backlogMs } : {}),
    alerts,
    commands,
    acks,
    ...(o.log ? { log: o.log } : {}),
  });
  const i = o.config.influxdb;
  const recent = new MemoryAuditLog(10_000, o.onAudit);
  const audit: AuditLog = o.chain ? chainedAudit(o.chain, recent) : recent;
  const deps: RiskDeskDeps = {
    mode: 'distributed',
    feeds: { epoch: Date.now(), alerts, commands, acks },
    halts,
    gateway: kafkaGateway(producer, o.config.kafka, o.webhook),
    history: o.influxToken
      ? influxHistoryStore(new InfluxHistory(i.url, o.influxToken, i.org, i.bucket))
      : memory!,
    series,
    audit,
    access: o.access,
    policy: o.config.policy,
    readiness: async () => ({ pipeline: o.running(), feeds: feeds.running() }),
    ...(o.log ? { log: o.log } : {}),
  };
  return {
    deps,
    async stop() {
      await feeds.stop();
      await producer.disconnect();
      await Promise.all([alerts.close(), commands.close(), acks.close()]);
    },
  };
}
