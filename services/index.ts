import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { ServiceError } from '../core/errors.ts';
import { runningPid } from './daemon.ts';
import { kafkaBrokers, kafkaDaemon, kafkaHealthy, startKafka, stopKafka } from './kafka/broker.ts';
import { influxDaemon, influxHealthy, influxUrl, startInflux, stopInflux } from './influxdb/server.ts';
import { readSetupState } from './influxdb/setup.ts';
import { withLock } from './lock.ts';
import { resolveSettings, type ServicesOptions, type ServicesSettings } from './settings.ts';

export type { ServicesOptions } from './settings.ts';

/** How clients reach the local services: the shape of `flowguard services status --json`. */
export interface ConnectionSettings {
  kafka: { brokers: string[] };
  influxdb: { url: string; org: string; bucket: string; token: string };
}

/** Connection settings plus whether each service answers, its version, pid and log file. */
export interface ServicesStatus {
  kafka: ConnectionSettings['kafka'] & ServiceProcess;
  influxdb: Omit<ConnectionSettings['influxdb'], 'token'> & { token: string | null } & ServiceProcess;
}

/** Run-time facts about one service. */
export interface ServiceProcess {
  running: boolean;
  version: string;
  pid: number | null;
  log: string;
}

/** Awaits both, so that neither install goes on unobserved when the other fails; then throws the first error. */
async function both<A, B>(a: Promise<A>, b: Promise<B>): Promise<[A, B]> {
  const [ra, rb] = await Promise.allSettled([a, b]);
  if (ra.status === 'rejected') throw ra.reason;
  if (rb.status === 'rejected') throw rb.reason;
  return [ra.value, rb.value];
}

function lockDir(settings: ServicesSettings, service: string): string {
  return join(settings.runDir, `${service}.lock`);
}

/**
 * Starts local Apache Kafka and InfluxDB, installing them into the cache first if needed
 * (minutes the first time, seconds later). Idempotent: running services are only checked.
 */
export async function servicesUp(options: ServicesOptions = {}): Promise<ConnectionSettings> {
  const settings = resolveSettings(options);
  const waiting = (service: string) => () =>
    settings.onProgress(`[${service}] another flowguard process is installing or starting it; waiting`);
  const [, state] = await both(
    withLock(lockDir(settings, 'kafka'), waiting('kafka'), () => startKafka(settings)),
    withLock(lockDir(settings, 'influxdb'), waiting('influxdb'), () => startInflux(settings)),
  );
  return {
    kafka: { brokers: kafkaBrokers(settings) },
    influxdb: { url: influxUrl(settings), org: state.org, bucket: state.bucket, token: state.token },
  };
}

/** Stops both services; `purge` also deletes their data (not the installs). Reports which were running. */
export async function servicesDown(
  options: ServicesOptions & { purge?: boolean } = {},
): Promise<{ kafka: boolean; influxdb: boolean }> {
  const settings = resolveSettings(options);
  const [kafka, influxdb] = await both(stopKafka(settings), stopInflux(settings));
  if (options.purge) {
    rmSync(settings.kafka.dataDir, { recursive: true, force: true });
    rmSync(settings.influxdb.dataDir, { recursive: true, force: true });
    settings.onProgress(`deleted ${settings.kafka.dataDir} and ${settings.influxdb.dataDir}`);
  }
  return { kafka, influxdb };
}

/** Connection settings and liveness of both services; starts nothing. */
export async function servicesStatus(options: ServicesOptions = {}): Promise<ServicesStatus> {
  const settings = resolveSettings(options);
  const kafkaPid = runningPid(kafkaDaemon(settings)) ?? null;
  const influxPid = runningPid(influxDaemon(settings)) ?? null;
  const [kafkaUp, influxUp] = await Promise.all([
    kafkaPid === null ? false : kafkaHealthy(settings),
    influxPid === null ? false : influxHealthy(settings),
  ]);
  const state = readSetupState(settings);
  return {
    kafka: {
      brokers: kafkaBrokers(settings),
      running: kafkaUp,
      version: settings.kafka.version,
      pid: kafkaPid,
      log: kafkaDaemon(settings).logFile,
    },
    influxdb: {
      url: influxUrl(settings),
      org: state?.org ?? settings.influxdb.org,
      bucket: settings.influxdb.bucket,
      token: state?.token ?? settings.influxdb.token ?? null,
      running: influxUp,
      version: settings.influxdb.version,
      pid: influxPid,
      log: influxDaemon(settings).logFile,
    },
  };
}

/** Throws unless both services are up; for callers that need them (bench --kafka, run). */
export async function requireServices(options: ServicesOptions = {}): Promise<ConnectionSettings> {
  const status = await servicesStatus(options);
  if (!status.kafka.running || !status.influxdb.running || status.influxdb.token === null) {
    throw new ServiceError(
      "local Kafka and InfluxDB are not running: start them with 'npx flowguard services up'",
    );
  }
  const { url, org, bucket, token } = status.influxdb;
  return { kafka: { brokers: status.kafka.brokers }, influxdb: { url, org, bucket, token } };
}
