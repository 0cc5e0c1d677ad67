import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ServiceError } from '../../core/errors.ts';
import type { ServicesSettings } from '../settings.ts';
import { type Daemon, logTail, runningPid, startDaemon, stopDaemon } from '../daemon.ts';
import { portInUse } from '../ports.ts';
import { waitFor } from '../waitFor.ts';
import { installInfluxd } from './install.ts';
import { ensureSetup, type InfluxSetupState } from './setup.ts';

/** The HTTP address of the local InfluxDB. */
export function influxUrl(settings: ServicesSettings): string {
  return `http://${settings.influxdb.host}:${settings.influxdb.port}`;
}

/** The influxd process as tracked in the cache. */
export function influxDaemon(settings: ServicesSettings): Daemon {
  return {
    name: 'influxd',
    pidFile: join(settings.runDir, 'influxd.pid'),
    logFile: join(settings.logDir, 'influxd.log'),
    marker: join(settings.influxdb.dataDir, 'influxd.bolt'),
  };
}

/** True when `GET /health` says "pass". */
export async function influxHealthy(settings: ServicesSettings, timeoutMs = 2_000): Promise<boolean> {
  try {
    const response = await fetch(`${influxUrl(settings)}/health`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) return false;
    const body = (await response.json()) as { status?: string };
    return body.status === 'pass';
  } catch {
    return false;
  }
}

/** Installs (first time), starts and sets up (first time) InfluxDB; resolves to its org, bucket and token. */
export async function startInflux(settings: ServicesSettings): Promise<InfluxSetupState> {
  const { onProgress } = settings;
  const daemon = influxDaemon(settings);
  const url = influxUrl(settings);
  const pid = runningPid(daemon);
  if (pid !== undefined) {
    await waitFor('InfluxDB (already running) to pass its health check', () => influxHealthy(settings), {
      timeoutMs: 60_000,
    });
    onProgress(`[influxdb] already running (pid ${pid}) on ${url}`);
    return ensureSetup(settings, url);
  }
  if (await portInUse(settings.influxdb.host, settings.influxdb.port)) {
    throw new ServiceError(
      `port ${settings.influxdb.host}:${settings.influxdb.port} is taken by another process; choose a free one with FLOWGUARD_INFLUX_PORT`,
      { retriable: false },
    );
  }
  const binary = await installInfluxd(settings);
  const { dataDir } = settings.influxdb;
  mkdirSync(dataDir, { recursive: true });
  const started = Date.now();
  onProgress(`[influxdb] starting influxd on ${url} (data: ${dataDir}, log: ${daemon.logFile})`);
  const newPid = startDaemon(
    daemon,
    binary,
    [
      `--http-bind-address=${settings.influxdb.host}:${settings.influxdb.port}`,
      `--bolt-path=${join(dataDir, 'influxd.bolt')}`,
      `--engine-path=${join(dataDir, 'engine')}`,
      `--sqlite-path=${join(dataDir, 'influxd.sqlite')}`,
      '--reporting-disabled',
      '--ui-disabled',
    ],
    // influxd also reads a config file from its working directory and INFLUXD_CONFIG_PATH: keep
    // a user's stray config out of this instance.
    { cwd: dataDir, env: { ...process.env, INFLUXD_CONFIG_PATH: dataDir } },
  );
  await waitFor('InfluxDB to pass its health check', () => influxHealthy(settings), {
    timeoutMs: 120_000,
    abort: () =>
      runningPid(daemon) === undefined
        ? `influxd exited; end of ${daemon.logFile}:\n${logTail(daemon)}`
        : undefined,
  });
  const state = await ensureSetup(settings, url);
  onProgress(`[influxdb] up in ${((Date.now() - started) / 1000).toFixed(1)} s (pid ${newPid})`);
  return state;
}

/** Stops influxd (it flushes its cache on SIGTERM); false when it was not running. */
export function stopInflux(settings: ServicesSettings): Promise<boolean> {
  return stopDaemon(influxDaemon(settings), 60_000);
}
