import { readFileSync } from 'node:fs';
import { Config } from '../schemas/config.ts';
import { ConfigError } from './errors.ts';

/** Environment variables that override the file, with the field each sets. */
const ENV: Record<string, { path: string[]; parse?: (v: string) => unknown }> = {
  FLOWGUARD_KAFKA_BROKERS: {
    path: ['kafka', 'brokers'],
    parse: (v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
  },
  FLOWGUARD_KAFKA_GROUP: { path: ['kafka', 'groupId'] },
  FLOWGUARD_AML_DIR: { path: ['aml', 'dir'] },
  FLOWGUARD_KAFKA_CLIENT_ID: { path: ['kafka', 'clientId'] },
  FLOWGUARD_INFLUX_URL: { path: ['influxdb', 'url'] },
  FLOWGUARD_INFLUX_ORG: { path: ['influxdb', 'org'] },
  FLOWGUARD_INFLUX_BUCKET: { path: ['influxdb', 'bucket'] },
};

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    node = (next !== null && typeof next === 'object' ? next : (node[key] = {})) as Record<string, unknown>;
  }
  node[path.at(-1)!] = value;
}

/**
 * The configuration: a JSON file (optional) overlaid with FLOWGUARD_* environment variables,
 * validated once. A wrong field is named with what was expected; secrets are never read from the
 * file (the file names the environment variables that hold them).
 */
export function loadConfig(file?: string, env: NodeJS.ProcessEnv = process.env): Config {
  let raw: Record<string, unknown> = {};
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new ConfigError(`cannot read the configuration file '${file}': ${(err as Error).message}`, {
        cause: err,
      });
    }
    try {
      raw = JSON.parse(text) as Record<string, unknown>;
    } catch (err) {
      throw new ConfigError(`configuration file '${file}' is not valid JSON: ${(err as Error).message}`, {
        cause: err,
      });
    }
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
      throw new ConfigError(`configuration file '${file}' must hold a JSON object`);
  }
  for (const [name, { path, parse }] of Object.entries(ENV)) {
    const v = env[name];
    if (v !== undefined && v !== '') setPath(raw, path, parse ? parse(v) : v);
  }
  const parsed = Config.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(
      `invalid configuration${file ? ` in '${file}'` : ''}:\n${lines.join('\n')}\nSee docs/configuration.md for every field and its default.`,
    );
  }
  return parsed.data;
}

/** A secret named by the configuration, read from the environment; a clear error when it is missing. */
export function secretFromEnv(envName: string, what: string, env: NodeJS.ProcessEnv = process.env): string {
  const v = env[envName];
  if (v === undefined || v === '')
    throw new ConfigError(`${what} is read from the environment variable ${envName}, which is not set`);
  return v;
}
