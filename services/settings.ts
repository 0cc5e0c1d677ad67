import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError } from '../core/errors.ts';

/** Kafka release fetched from Maven Central; docs/services.md says why this one. */
export const DEFAULT_KAFKA_VERSION = '4.3.1';
/** Newest InfluxDB 2.x whose whole module graph the Go module proxy serves (see docs/services.md). */
export const DEFAULT_INFLUXDB_VERSION = 'v2.7.12';

/** What a caller may set; anything left out comes from FLOWGUARD_* variables, then defaults. */
export interface ServicesOptions {
  /** Root of installs, data, logs and pid files (FLOWGUARD_CACHE, default ~/.cache/flowguard). */
  cacheDir?: string;
  kafka?: Partial<KafkaSettings>;
  influxdb?: Partial<InfluxSettings>;
  /** Receives progress lines (installs, starts); default: stderr. */
  onProgress?: (line: string) => void;
}

/** Everything needed to install, start and reach the local broker. */
export interface KafkaSettings {
  version: string;
  host: string;
  port: number;
  controllerPort: number;
  /** KRaft log dir (metadata and topic data). */
  dataDir: string;
  /** JVM maximum heap, as for -Xmx. */
  heap: string;
}

/** Everything needed to install, start, set up and reach the local InfluxDB. */
export interface InfluxSettings {
  version: string;
  host: string;
  port: number;
  /** Bolt, engine and sqlite files, plus the setup state. */
  dataDir: string;
  org: string;
  bucket: string;
  username: string;
  password: string;
  /** Operator token given to the setup; undefined: generated once and kept in the state file. */
  token: string | undefined;
}

/** Fully resolved settings with the paths of every file the services use. */
export interface ServicesSettings {
  cacheDir: string;
  runDir: string;
  logDir: string;
  kafka: KafkaSettings;
  influxdb: InfluxSettings;
  onProgress: (line: string) => void;
}

type Env = Record<string, string | undefined>;

function port(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new ConfigError(`${name} must be a TCP port between 1 and 65535, got '${raw}'.`);
  }
  return value;
}

function text(env: Env, name: string, fallback: string): string {
  const raw = env[name];
  return raw === undefined || raw === '' ? fallback : raw;
}

/** Merges options, FLOWGUARD_* environment variables and defaults, and checks them. */
export function resolveSettings(options: ServicesOptions = {}, env: Env = process.env): ServicesSettings {
  const cacheDir = resolve(
    options.cacheDir ?? text(env, 'FLOWGUARD_CACHE', join(homedir(), '.cache', 'flowguard')),
  );
  const kafka: KafkaSettings = {
    version: text(env, 'FLOWGUARD_KAFKA_VERSION', DEFAULT_KAFKA_VERSION),
    host: text(env, 'FLOWGUARD_KAFKA_HOST', '127.0.0.1'),
    port: port(env, 'FLOWGUARD_KAFKA_PORT', 19092),
    controllerPort: port(env, 'FLOWGUARD_KAFKA_CONTROLLER_PORT', 19093),
    dataDir: text(env, 'FLOWGUARD_KAFKA_DATA_DIR', join(cacheDir, 'kafka', 'data')),
    heap: text(env, 'FLOWGUARD_KAFKA_HEAP', '1g'),
    ...options.kafka,
  };
  const influxdb: InfluxSettings = {
    version: text(env, 'FLOWGUARD_INFLUX_VERSION', DEFAULT_INFLUXDB_VERSION),
    host: text(env, 'FLOWGUARD_INFLUX_HOST', '127.0.0.1'),
    port: port(env, 'FLOWGUARD_INFLUX_PORT', 18086),
    dataDir: text(env, 'FLOWGUARD_INFLUX_DATA_DIR', join(cacheDir, 'influxdb', 'data')),
    org: text(env, 'FLOWGUARD_INFLUX_ORG', 'flowguard'),
    bucket: text(env, 'FLOWGUARD_INFLUX_BUCKET', 'flowguard'),
    username: text(env, 'FLOWGUARD_INFLUX_USERNAME', 'flowguard'),
    password: text(env, 'FLOWGUARD_INFLUX_PASSWORD', 'flowguard-dev-password'),
    token: env.FLOWGUARD_INFLUX_TOKEN || undefined,
    ...options.influxdb,
  };
  if (kafka.port === kafka.controllerPort) {
    throw new ConfigError(
      `FLOWGUARD_KAFKA_PORT and FLOWGUARD_KAFKA_CONTROLLER_PORT are both ${kafka.port}; give the controller its own port.`,
    );
  }
  if (!/^v?\d+\.\d+\.\d+$/.test(influxdb.version)) {
    throw new ConfigError(`FLOWGUARD_INFLUX_VERSION must look like v2.7.12, got '${influxdb.version}'.`);
  }
  if (!influxdb.version.startsWith('v')) influxdb.version = `v${influxdb.version}`;
  if (!/^\d+\.\d+\.\d+$/.test(kafka.version)) {
    throw new ConfigError(`FLOWGUARD_KAFKA_VERSION must look like 4.3.1, got '${kafka.version}'.`);
  }
  if (influxdb.password.length < 8) {
    throw new ConfigError(
      'FLOWGUARD_INFLUX_PASSWORD must have at least 8 characters (InfluxDB refuses shorter ones).',
    );
  }
  return {
    cacheDir,
    runDir: join(cacheDir, 'run'),
    logDir: join(cacheDir, 'logs'),
    kafka: { ...kafka, dataDir: resolve(kafka.dataDir) },
    influxdb: { ...influxdb, dataDir: resolve(influxdb.dataDir) },
    onProgress: options.onProgress ?? ((line) => process.stderr.write(`${line}\n`)),
  };
}
