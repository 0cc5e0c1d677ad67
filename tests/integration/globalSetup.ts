import type { TestProject } from 'vitest/node';
import { servicesDown, servicesStatus, servicesUp, type ConnectionSettings } from '../../services/index.ts';
import { sweepTestTopics } from '../support/sweepTestTopics.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Connection settings of the local Kafka and InfluxDB, for `inject('services')`. */
    services: ConnectionSettings;
  }
}

/**
 * Starts local Kafka and InfluxDB once for all integration tests (installing them on a fresh
 * machine: the first run takes many minutes), provides their settings to the tests, and also
 * exports them as FLOWGUARD_KAFKA_BROKERS / FLOWGUARD_INFLUX_{URL,ORG,BUCKET,TOKEN} for code that
 * reads its configuration from the environment. Topics that earlier runs' tests left behind are
 * deleted first (tests/support/sweepTestTopics.ts). Services this setup started are stopped at the
 * end unless FLOWGUARD_KEEP_SERVICES=1; services that were already running are left alone.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const before = await servicesStatus();
  const settings = await servicesUp();
  const swept = await sweepTestTopics(settings.kafka.brokers);
  if (swept > 0) process.stderr.write(`[kafka] deleted ${swept} topics left by earlier test runs\n`);
  project.provide('services', settings);
  process.env.FLOWGUARD_KAFKA_BROKERS = settings.kafka.brokers.join(',');
  process.env.FLOWGUARD_INFLUX_URL = settings.influxdb.url;
  process.env.FLOWGUARD_INFLUX_ORG = settings.influxdb.org;
  process.env.FLOWGUARD_INFLUX_BUCKET = settings.influxdb.bucket;
  process.env.FLOWGUARD_INFLUX_TOKEN = settings.influxdb.token;
  return async () => {
    if (process.env.FLOWGUARD_KEEP_SERVICES === '1') return;
    if (!before.kafka.running && !before.influxdb.running) await servicesDown();
  };
}
