import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { ServiceError } from '../../core/errors.ts';
import type { ServicesSettings } from '../settings.ts';
import { type Daemon, logTail, runningPid, startDaemon, stopDaemon } from '../daemon.ts';
import { portInUse } from '../ports.ts';
import { runTool } from '../runTool.ts';
import { waitFor } from '../waitFor.ts';
import { installKafka, javaCommand } from './install.ts';

/** The bootstrap address clients use. */
export function kafkaBrokers(settings: ServicesSettings): string[] {
  return [`${settings.kafka.host}:${settings.kafka.port}`];
}

function propertiesFile(settings: ServicesSettings): string {
  return join(settings.runDir, 'kafka-server.properties');
}

/** The broker process as tracked in the cache. */
export function kafkaDaemon(settings: ServicesSettings): Daemon {
  return {
    name: 'kafka',
    pidFile: join(settings.runDir, 'kafka.pid'),
    logFile: join(settings.logDir, 'kafka.log'),
    marker: `kafka.Kafka ${propertiesFile(settings)}`,
  };
}

/** One node that is both KRaft controller and broker, listening on loopback only. */
function serverProperties(settings: ServicesSettings): string {
  const { host, port, controllerPort, dataDir } = settings.kafka;
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@${host}:${controllerPort}`,
    `listeners=PLAINTEXT://${host}:${port},CONTROLLER://${host}:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://${host}:${port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    `log.dirs=${dataDir}`,
    'num.partitions=1',
    // A single node can hold one replica of the internal topics, no more.
    'offsets.topic.replication.factor=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    // Tests join and leave consumer groups all the time; do not wait 3 s for more members.
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=true',
    '',
  ].join('\n');
}

/** A KRaft cluster id: 16 random bytes in URL-safe base64, never starting with '-' (as Kafka's Uuid). */
function clusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** True when the broker answers a metadata request (what every client does first). */
export async function kafkaHealthy(settings: ServicesSettings, timeoutMs = 2_000): Promise<boolean> {
  const kafka = new Kafka({
    clientId: 'flowguard-services',
    brokers: kafkaBrokers(settings),
    logLevel: logLevel.NOTHING,
    connectionTimeout: timeoutMs,
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0 && cluster.controller !== null;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Installs (first time), formats (first time) and starts the broker, then waits until it serves metadata. */
export async function startKafka(settings: ServicesSettings): Promise<void> {
  const { onProgress } = settings;
  const daemon = kafkaDaemon(settings);
  const pid = runningPid(daemon);
  if (pid !== undefined) {
    await waitFor('Apache Kafka (already running) to answer', () => kafkaHealthy(settings), {
      timeoutMs: 60_000,
    });
    onProgress(`[kafka] already running (pid ${pid}) on ${kafkaBrokers(settings)[0]}`);
    return;
  }
  for (const p of [settings.kafka.port, settings.kafka.controllerPort]) {
    if (await portInUse(settings.kafka.host, p)) {
      throw new ServiceError(
        `port ${settings.kafka.host}:${p} is taken by another process; choose free ports with FLOWGUARD_KAFKA_PORT and FLOWGUARD_KAFKA_CONTROLLER_PORT`,
        { retriable: false },
      );
    }
  }
  const libs = await installKafka(settings);
  const java = javaCommand();
  const classpath = join(libs, '*');
  const started = Date.now();
  mkdirSync(settings.runDir, { recursive: true });
  writeFileSync(propertiesFile(settings), serverProperties(settings));
  if (!existsSync(join(settings.kafka.dataDir, 'meta.properties'))) {
    onProgress(`[kafka] formatting the KRaft storage in ${settings.kafka.dataDir}`);
    mkdirSync(settings.kafka.dataDir, { recursive: true });
    await runTool(
      java,
      [
        '-cp',
        classpath,
        'kafka.tools.StorageTool',
        'format',
        '-t',
        clusterId(),
        '-c',
        propertiesFile(settings),
      ],
      { logFile: daemon.logFile, label: '[kafka]', onProgress, show: () => false },
    );
  }
  onProgress(`[kafka] starting the broker on ${kafkaBrokers(settings)[0]} (log: ${daemon.logFile})`);
  const newPid = startDaemon(daemon, java, [
    `-Xmx${settings.kafka.heap}`,
    '-Xms256m',
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-Djava.awt.headless=true',
    // Warnings and errors only: at INFO the broker logs every partition and consumer group it
    // loads, hundreds of thousands of lines per start on a machine that has run many tests.
    '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
    '-Dorg.slf4j.simpleLogger.showDateTime=true',
    '-cp',
    classpath,
    'kafka.Kafka',
    propertiesFile(settings),
  ]);
  await waitFor('Apache Kafka to answer metadata requests', () => kafkaHealthy(settings), {
    timeoutMs: 180_000,
    abort: () =>
      runningPid(daemon) === undefined
        ? `the broker exited; end of ${daemon.logFile}:\n${logTail(daemon)}`
        : undefined,
  });
  onProgress(`[kafka] up in ${((Date.now() - started) / 1000).toFixed(1)} s (pid ${newPid})`);
}

/** Stops the broker (controlled shutdown on SIGTERM); false when it was not running. */
export function stopKafka(settings: ServicesSettings): Promise<boolean> {
  return stopDaemon(kafkaDaemon(settings), 60_000);
}
