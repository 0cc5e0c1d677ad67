import { parseArgs } from 'node:util';
import { loadConfig } from '../../core/loadConfig.ts';
import { startDistributed } from '../../pipelines/distributed.ts';
import type { Command } from '../command.ts';

const help = `Usage: flowguard run --config FILE [--instance-id ID] [--no-influx] [--no-heartbeats]
                     [--no-audit]

The pipeline between Apache Kafka and InfluxDB: consumes the events topic in the configured
consumer group, produces commands, alerts and dead letters, writes history to InfluxDB.
SIGTERM or Ctrl-C stops consuming, waits until Kafka holds every output, commits the offsets,
flushes InfluxDB and exits. Configuration: one JSON file plus FLOWGUARD_* environment
variables (docs/configuration.md); the InfluxDB token comes from the environment variable named
by influxdb.tokenEnv (FLOWGUARD_INFLUX_TOKEN by default).

Heartbeats: every policy.engine.heartbeatIntervalMs the instance sends a HEARTBEAT on the commands
topic on its own scope, heartbeat:<groupId>/<instance id>. The engine (flowguard engine) enters
its safe mode when no instance's heartbeat came for policy.engine.deadManMs; SIGTERM stops the
heartbeats first.

Audit trail: every alert and command the instance decides is sealed into a hash chain of its own
on the audit topic (kafka.topics.audit), keyed <groupId>/<instance id>/<start time>, before the
input offsets are committed; flowguard audit verify-topic checks every chain.

Options:
  --instance-id ID   names this instance in its heartbeat scope, audit chain and client ids
                     (default <hostname>-<pid>); give each instance of a group its own
  --no-influx        write no history (and do not warn about a missing token)
  --no-heartbeats    send no heartbeats (an engine with a dead-man switch will enter safe mode)
  --no-audit         write no audit chain

Example:
  FLOWGUARD_INFLUX_TOKEN=... flowguard run --config deploy/flowguard.json`;

export const runCommand: Command = {
  name: 'run',
  summary: 'the pipeline against Kafka and InfluxDB',
  help,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        config: { type: 'string' },
        'instance-id': { type: 'string' },
        'no-influx': { type: 'boolean', default: false },
        'no-heartbeats': { type: 'boolean', default: false },
        'no-audit': { type: 'boolean', default: false },
      },
    });
    const config = loadConfig(values.config);
    const token = process.env[config.influxdb.tokenEnv];
    if (!values['no-influx'] && !token)
      console.error(
        `flowguard run: ${config.influxdb.tokenEnv} is not set: history will not be written to InfluxDB (pass --no-influx to silence this)`,
      );
    const rt = await startDistributed({
      config,
      heartbeats: !values['no-heartbeats'],
      audit: !values['no-audit'],
      ...(values['instance-id'] ? { instanceId: values['instance-id'] } : {}),
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
