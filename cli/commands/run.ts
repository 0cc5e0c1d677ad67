import { parseArgs } from 'node:util';
import { loadConfig } from '../../core/loadConfig.ts';
import { startDistributed } from '../../pipelines/distributed.ts';
import type { Command } from '../command.ts';

const help = `Usage: flowguard run --config FILE [--no-influx]

The pipeline between Apache Kafka and InfluxDB: consumes the events topic in the configured
consumer group, produces commands, alerts and dead letters, writes history to InfluxDB.
SIGTERM or Ctrl-C stops consuming, waits until Kafka holds every output, commits the offsets,
flushes InfluxDB and exits. Configuration: one JSON file plus FLOWGUARD_* environment
variables (docs/configuration.md); the InfluxDB token comes from the environment variable named
by influxdb.tokenEnv (FLOWGUARD_INFLUX_TOKEN by default).

Example:
  FLOWGUARD_INFLUX_TOKEN=... flowguard run --config deploy/flowguard.json`;

export const runCommand: Command = {
  name: 'run',
  summary: 'the pipeline against Kafka and InfluxDB',
  help,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: { config: { type: 'string' }, 'no-influx': { type: 'boolean', default: false } },
    });
    const config = loadConfig(values.config);
    const token = process.env[config.influxdb.tokenEnv];
    if (!values['no-influx'] && !token)
      console.error(
        `flowguard run: ${config.influxdb.tokenEnv} is not set: history will not be written to InfluxDB (pass --no-influx to silence this)`,
      );
    const rt = await startDistributed({
      config,
      ...(token && !values['no-influx'] ? { influxToken: token } : {}),
    });
    console.error(
      `flowguard run: consuming ${config.kafka.topics.events} on ${config.kafka.brokers.join(',')} as group ${config.kafka.groupId}`,
    );
    const timer = setInterval(() => {
      const s = rt.stats;
      console.error(
        `  ${s.decode.messages} messages, ${s.decode.deadLetters} dead letters, ${s.alerts} alerts, ${s.commands} commands`,
      );
    }, 10_000);
    await new Promise<void>((resolve) => {
      process.once('SIGTERM', resolve);
      process.once('SIGINT', resolve);
    });
    clearInterval(timer);
    console.error('flowguard run: stopping: committing, flushing, closing');
    await rt.stop();
    const d = rt.influx?.stats;
    if (d) console.error(`flowguard run: InfluxDB ${d.written} points written, ${d.dropped} dropped`);
    return 0;
  },
};
