import { parseArgs } from 'node:util';
import { ConfigError } from '../../core/errors.ts';
import type { Command } from '../command.ts';
import { servicesDown, servicesStatus, servicesUp } from '../../services/index.ts';

const help = `Usage: flowguard services up|down|status [--json] [--purge]

Local Apache Kafka (single-node KRaft) and InfluxDB 2.x for tests and development.
The first 'up' installs both into the cache (Kafka jars from Maven Central, influxd built
from its Go module: minutes); later starts take seconds. Progress goes to stderr.

  up        install if needed, start (detached), wait until healthy, print the connection settings
  down      stop both services; --purge also deletes their data (not the installs)
  status    print the connection settings and whether each service is running
            (exit code 3 when one is not running)

Options:
  --json    one JSON object on stdout:
            {"kafka": {"brokers"}, "influxdb": {"url", "org", "bucket", "token"}} (+ running, version, pid, log)
  --purge   with down: delete the Kafka and InfluxDB data dirs

Environment (defaults in brackets):
  FLOWGUARD_CACHE [~/.cache/flowguard]   installs, data, logs, pid files
  FLOWGUARD_KAFKA_PORT [19092]  FLOWGUARD_KAFKA_CONTROLLER_PORT [19093]  FLOWGUARD_KAFKA_HOST [127.0.0.1]
  FLOWGUARD_KAFKA_DATA_DIR [$CACHE/kafka/data]  FLOWGUARD_KAFKA_VERSION  FLOWGUARD_KAFKA_HEAP [1g]
  FLOWGUARD_INFLUX_PORT [18086]  FLOWGUARD_INFLUX_HOST [127.0.0.1]  FLOWGUARD_INFLUX_DATA_DIR [$CACHE/influxdb/data]
  FLOWGUARD_INFLUX_ORG [flowguard]  FLOWGUARD_INFLUX_BUCKET [flowguard]  FLOWGUARD_INFLUX_TOKEN [generated once]
  FLOWGUARD_INFLUX_USERNAME [flowguard]  FLOWGUARD_INFLUX_PASSWORD  FLOWGUARD_INFLUX_VERSION

Examples:
  npx flowguard services up
  npx flowguard services status --json
  npx flowguard services down --purge`;

function printSettings(value: object, json: boolean): void {
  if (json) {
    console.log(JSON.stringify(value));
    return;
  }
  const flat = (prefix: string, obj: object): string[] =>
    Object.entries(obj).flatMap(([key, v]) =>
      v !== null && typeof v === 'object' && !Array.isArray(v)
        ? flat(`${prefix}${key}.`, v as object)
        : [`${prefix}${key}: ${Array.isArray(v) ? v.join(',') : String(v)}`],
    );
  console.log(flat('', value).join('\n'));
}

/** `flowguard services up|down|status`: local Kafka and InfluxDB. */
export const servicesCommand: Command = {
  name: 'services',
  summary: 'start, stop or show local Apache Kafka and InfluxDB (installed on first use)',
  help,
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { json: { type: 'boolean', default: false }, purge: { type: 'boolean', default: false } },
      allowPositionals: true,
      strict: true,
    });
    const [action, ...extra] = positionals;
    if (extra.length > 0 || (action !== 'up' && action !== 'down' && action !== 'status')) {
      throw new ConfigError(
        `expected one action, up, down or status; got '${positionals.join(' ')}'. See --help.`,
      );
    }
    if (values.purge && action !== 'down') throw new ConfigError('--purge goes with down only.');
    const json = values.json ?? false;
    if (action === 'up') {
      printSettings(await servicesUp(), json);
      return 0;
    }
    if (action === 'down') {
      const stopped = await servicesDown({ purge: values.purge ?? false });
      if (json) console.log(JSON.stringify({ stopped }));
      else
        console.log(
          `kafka: ${stopped.kafka ? 'stopped' : 'was not running'}\ninfluxdb: ${stopped.influxdb ? 'stopped' : 'was not running'}`,
        );
      return 0;
    }
    const status = await servicesStatus();
    printSettings(status, json);
    return status.kafka.running && status.influxdb.running ? 0 : 3;
  },
};
