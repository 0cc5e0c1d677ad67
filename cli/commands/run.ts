import { parseArgs } from 'node:util';
import { loadConfig } from '../../core/loadConfig.ts';
import { ConfigError } from '../../core/errors.ts';
import { startDistributed } from '../../pipelines/distributed.ts';
import { AccessConfig } from '../../server/accessConfig.ts';
import { readAccessFile } from '../../server/accessFile.ts';
import { formatAuditEntry } from '../../server/audit.ts';
import { distributedDesk } from '../../server/distributedDesk.ts';
import { startRiskDesk, type RiskDesk } from '../../server/index.ts';
import type { Command } from '../command.ts';
import { StopRequest } from '../stopRequest.ts';

const help = `Usage: flowguard run --config FILE [--aml DIR] [--instance-id ID] [--port N [--host H] [--tokens FILE]]
                     [--no-influx] [--no-heartbeats] [--no-audit] [--no-stale-feeds]

The pipeline between Apache Kafka and InfluxDB: consumes the events topic in the configured
consumer group, produces commands, alerts and dead letters, writes history to InfluxDB.
SIGTERM or Ctrl-C stops consuming, waits until Kafka holds every output, commits the offsets,
flushes InfluxDB and exits. When the Kafka consumer stops for good (an error kafkajs does not
retry), the instance stops the same way and exits with status 1, for its supervisor to start it
again. Configuration: one JSON file plus FLOWGUARD_* environment
variables (docs/configuration.md); the InfluxDB token comes from the environment variable named
by influxdb.tokenEnv (FLOWGUARD_INFLUX_TOKEN by default).

Heartbeats: every policy.engine.heartbeatIntervalMs the instance sends a HEARTBEAT on the commands
topic on its own scope, heartbeat:<groupId>/<instance id>. The engine (flowguard engine) enters
its safe mode when no instance's heartbeat came for policy.engine.deadManMs; SIGTERM stops the
heartbeats first.

Audit trail: every alert and command the instance decides is sealed into a hash chain of its own
on the audit topic (kafka.topics.audit), keyed <groupId>/<instance id>/<start time>, before the
input offsets are committed; flowguard audit verify-topic checks every chain.

Risk desk: with --port the instance also serves the risk-desk page and API (docs/risk-desk.md).
Its live feed reads the Kafka alerts, commands and acks topics, so the desk of any instance shows
every instance's decisions and the engine's answers; halts in force follow the commands topic;
history comes from InfluxDB. A person's halt or resume of a venue-symbol goes through the policy
of the partition that owns it (as a control message on the events topic); other scopes (venue,
global: admins) go straight to the commands topic, and a global RESUME ends the engine's safe
mode. Requests are sealed into the instance's audit chain before they are acted on. Tokens and
roles come from --tokens FILE; without it the desk is read-only.

Webhook: with policy.engine.webhookUrl set, every command and heartbeat is also POSTed, signed
with the key in the variable named by policy.engine.webhookSecretEnv, to an engine without Kafka
(docs/engine-protocol.md); its acks are written to the acks topic.

Address risk lists: with aml.dir (or --aml DIR) the sanctions, phishing, exploit, mixer and
exchange lists are loaded before the consumer starts (a missing or unreadable file stops the
start) and reloaded without a restart when their files change (checked every aml.refreshMs).
Each partition task computes the address features of its transfers over them; see
docs/operations.md (address features per partition) for what a partition sees.

Options:
  --aml DIR          the risk lists folder (../shared/aml layout), over aml.dir of the configuration
  --port N           serve the risk desk on this port (0: any free port); none without it
  --host H           address the desk listens on (default 127.0.0.1)
  --tokens FILE      API tokens as JSON: {"tokens": [{"user": "ann", "role": "operator",
                     "token": "..."}], "anonymous": "viewer" | "none"}
  --instance-id ID   names this instance in its heartbeat scope, audit chain and client ids
                     (default <hostname>-<pid>); give each instance of a group its own
  --no-influx        write no history (and do not warn about a missing token)
  --no-heartbeats    send no heartbeats (an engine with a dead-man switch will enter safe mode)
  --no-audit         write no audit chain
  --no-stale-feeds   no stale-feed scan (by default a key or venue gone quiet raises an alert)

Examples:
  FLOWGUARD_INFLUX_TOKEN=... flowguard run --config deploy/flowguard.json
  flowguard run --config deploy/flowguard.json --instance-id a --port 8080 --tokens tokens.json`;

export const runCommand: Command = {
  name: 'run',
  summary: 'the pipeline against Kafka and InfluxDB',
  help,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        config: { type: 'string' },
        aml: { type: 'string' },
        'instance-id': { type: 'string' },
        'no-influx': { type: 'boolean', default: false },
        'no-heartbeats': { type: 'boolean', default: false },
        'no-audit': { type: 'boolean', default: false },
        'no-stale-feeds': { type: 'boolean', default: false },
        port: { type: 'string' },
        host: { type: 'string', default: '127.0.0.1' },
        tokens: { type: 'string' },
      },
    });
    const loaded = loadConfig(values.config);
    const config = values.aml ? { ...loaded, aml: { ...loaded.aml, dir: values.aml } } : loaded;
    const port = values.port === undefined ? undefined : Number(values.port);
    if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65_535))
      throw new ConfigError(`--port must be a port number 0..65535, got '${values.port}'`);
    if (values.tokens !== undefined && port === undefined)
      throw new ConfigError('--tokens is for the risk desk: pass --port too');
    const access = values.tokens !== undefined ? readAccessFile(values.tokens) : AccessConfig.parse({});
    const token = process.env[config.influxdb.tokenEnv];
    if (!values['no-influx'] && !token)
      console.error(
        `flowguard run: ${config.influxdb.tokenEnv} is not set: history will not be written to InfluxDB (pass --no-influx to silence this)`,
      );
    const stop = new StopRequest();
    const rt = await startDistributed({
      config,
      onConsumerLost: stop.consumerLost,
      heartbeats: !values['no-heartbeats'],
      audit: !values['no-audit'],
      staleFeeds: !values['no-stale-feeds'],
      ...(values['instance-id'] ? { instanceId: values['instance-id'] } : {}),
      ...(token && !values['no-influx'] ? { influxToken: token } : {}),
    });
    console.error(
      `flowguard run: consuming ${config.kafka.topics.events} on ${config.kafka.brokers.join(',')} as group ${config.kafka.groupId}`,
    );
    let running = true;
    let desk: Awaited<ReturnType<typeof distributedDesk>> | undefined;
    let server: RiskDesk | undefined;
    if (port !== undefined) {
      const influxToken = token && !values['no-influx'] ? token : undefined;
      desk = await distributedDesk({
        config,
        access,
        instanceName: rt.instanceName,
        ...(influxToken ? { influxToken } : {}),
        ...(rt.audit ? { chain: rt.audit } : {}),
        ...(rt.webhook ? { webhook: rt.webhook } : {}),
        running: () => running,
        onAudit: (e) => console.error(formatAuditEntry(e)),
        log: (line) => console.error(line),
      });
      server = await startRiskDesk(desk.deps, { port, host: values.host });
      console.error(
        `flowguard run: risk desk on ${server.url} (${access.tokens.length} token(s)${values.tokens ? ` from ${values.tokens}` : ', read-only'})`,
      );
    }
    const timer = setInterval(() => {
      const s = rt.stats;
      console.error(
        `  ${s.decode.messages} messages, ${s.decode.deadLetters} dead letters, ${s.alerts} alerts, ${s.commands} commands, ` +
          `${s.heartbeats} heartbeats${rt.audit ? `, ${rt.audit.stats.written} audit lines` : ''}${rt.webhook ? `, webhook ${rt.webhook.stats.acked} acked / ${rt.webhook.stats.failed} failed` : ''}`,
      );
    }, 10_000);
    await stop.stopped();
    const lost = stop.lost;
    clearInterval(timer);
    if (lost)
      console.error(
        `flowguard run: the Kafka consumer stopped for good (${lost.message}); exiting with status 1 so that the supervisor starts this instance again (its partitions resume from their checkpoints)`,
      );
    console.error('flowguard run: stopping: committing, flushing, closing');
    running = false;
    await server?.close();
    await desk?.stop();
    await rt.stop();
    const d = rt.influx?.stats;
    if (d) console.error(`flowguard run: InfluxDB ${d.written} points written, ${d.dropped} dropped`);
    return lost ? 1 : 0;
  },
};
