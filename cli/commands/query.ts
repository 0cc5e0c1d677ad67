import { parseArgs } from 'node:util';
import { ConfigError } from '../../core/errors.ts';
import { loadConfig } from '../../core/loadConfig.ts';
import { servicesStatus } from '../../services/index.ts';
import { InfluxHistory } from '../../sinks/influx/influxHistory.ts';
import type { Command } from '../command.ts';

const help = `Usage: flowguard query anomalies|commands --from T --to T [--symbol S] [--venue V]
                      [--detector D] [--min-score X] [--limit N] [--offset N] [--config FILE] [--json]

Historical anomalies (alerts) or circuit-breaker commands from InfluxDB, oldest first.
T is an ISO time (2024-08-08T23:55:00Z), epoch milliseconds, now, or relative: now-1h, now-30m.
Connection: --config FILE / FLOWGUARD_INFLUX_* variables; the token from the variable named by
influxdb.tokenEnv, else the local services started by 'flowguard services up'.

Examples:
  flowguard query anomalies --from now-1h --to now --symbol SOLUSDT --min-score 0.99 --json
  flowguard query commands --from 2024-08-08T00:00:00Z --to 2024-08-09T00:00:00Z`;

/** ISO time, epoch ms, 'now', or an offset back from now: now-15m (or -15m, written --from=-15m). */
export function parseTime(text: string, field: string, now = Date.now()): Date {
  if (text === 'now') return new Date(now);
  const rel = /^(?:now)?-(\d+)(s|m|h|d)$/.exec(text);
  if (rel)
    return new Date(
      now - Number(rel[1]) * { s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7 }[rel[2] as 's' | 'm' | 'h' | 'd'],
    );
  if (/^\d{10,}$/.test(text)) return new Date(Number(text));
  const t = Date.parse(text);
  if (Number.isNaN(t))
    throw new ConfigError(`${field} '${text}' is not a time: use ISO 8601, epoch ms, now or now-1h`);
  return new Date(t);
}

export const queryCommand: Command = {
  name: 'query',
  summary: 'historical anomalies or commands from InfluxDB',
  help,
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        from: { type: 'string' },
        to: { type: 'string', default: 'now' },
        symbol: { type: 'string' },
        venue: { type: 'string' },
        detector: { type: 'string' },
        'min-score': { type: 'string' },
        limit: { type: 'string', default: '1000' },
        offset: { type: 'string', default: '0' },
        config: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    });
    const what = positionals[0];
    if (what !== 'anomalies' && what !== 'commands')
      throw new ConfigError("say what to query: 'anomalies' or 'commands' (see --help)");
    if (!values.from) throw new ConfigError('--from is required');
    const config = loadConfig(values.config);
    let { url, org, bucket } = config.influxdb;
    let token = process.env[config.influxdb.tokenEnv];
    if (!token) {
      const local = await servicesStatus();
      if (!local.influxdb.token)
        throw new ConfigError(
          `no InfluxDB token: set ${config.influxdb.tokenEnv} or start local services with 'flowguard services up'`,
        );
      ({ url, org, bucket } = local.influxdb);
      token = local.influxdb.token;
    }
    const minScore = values['min-score'] !== undefined ? Number(values['min-score']) : undefined;
    if (minScore !== undefined && !(minScore >= 0 && minScore <= 1))
      throw new ConfigError(`--min-score must be between 0 and 1, got '${values['min-score']}'`);
    const q = {
      from: parseTime(values.from, '--from'),
      to: parseTime(values.to, '--to'),
      ...(values.symbol ? { symbol: values.symbol } : {}),
      ...(values.venue ? { venue: values.venue } : {}),
      ...(values.detector ? { detector: values.detector } : {}),
      ...(minScore !== undefined ? { minScore } : {}),
      limit: Number(values.limit),
      offset: Number(values.offset),
    };
    const history = new InfluxHistory(url, token, org, bucket);
    const rows = what === 'anomalies' ? await history.anomalies(q) : await history.commands(q);
    if (values.json)
      console.log(
        JSON.stringify({
          [what]: rows,
          count: rows.length,
          from: q.from.toISOString(),
          to: q.to.toISOString(),
        }),
      );
    else {
      for (const r of rows)
        console.log(
          what === 'anomalies'
            ? `${r.time} ${(r as { severity: string }).severity} ${(r as { key: string }).key} ${(r as { message: string }).message}`
            : `${r.time} ${(r as { action: string }).action} ${(r as { scope: string }).scope} ${(r as { reason: string }).reason}`,
        );
      console.log(`${rows.length} ${what}`);
    }
    return 0;
  },
};
