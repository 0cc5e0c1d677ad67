import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, ServiceError } from '../../core/errors.ts';
import type { ServicesSettings } from '../settings.ts';

/** What the one-time setup created; kept beside the data so that status can print it. */
export interface InfluxSetupState {
  org: string;
  orgId: string;
  bucket: string;
  username: string;
  token: string;
  createdAt: string;
}

/** The state file of the configured data dir. */
export function setupStateFile(settings: ServicesSettings): string {
  return join(settings.influxdb.dataDir, 'flowguard-setup.json');
}

/** The stored setup, or undefined before the first `up`. */
export function readSetupState(settings: ServicesSettings): InfluxSetupState | undefined {
  const file = setupStateFile(settings);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as InfluxSetupState;
}

async function api<T>(url: string, init: RequestInit & { token?: string } = {}): Promise<T> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (init.token) headers.authorization = `Token ${init.token}`;
  const response = await fetch(url, { ...init, headers, signal: AbortSignal.timeout(30_000) });
  const body = await response.text();
  if (!response.ok) {
    throw new ServiceError(`InfluxDB ${init.method ?? 'GET'} ${url} answered ${response.status}: ${body}`);
  }
  return (body ? JSON.parse(body) : {}) as T;
}

/**
 * Makes sure the server has the configured org, bucket and token: runs the one-time
 * `POST /api/v2/setup` on a fresh data dir, then reuses the stored state on later starts.
 */
export async function ensureSetup(settings: ServicesSettings, baseUrl: string): Promise<InfluxSetupState> {
  const wanted = settings.influxdb;
  const { allowed } = await api<{ allowed: boolean }>(`${baseUrl}/api/v2/setup`);
  if (allowed) {
    const token = wanted.token ?? `flowguard-dev-${randomBytes(24).toString('base64url')}`;
    const created = await api<{ org: { id: string; name: string } }>(`${baseUrl}/api/v2/setup`, {
      method: 'POST',
      body: JSON.stringify({
        username: wanted.username,
        password: wanted.password,
        org: wanted.org,
        bucket: wanted.bucket,
        token,
        retentionPeriodSeconds: 0,
      }),
    });
    const state: InfluxSetupState = {
      org: wanted.org,
      orgId: created.org.id,
      bucket: wanted.bucket,
      username: wanted.username,
      token,
      createdAt: new Date().toISOString(),
    };
    writeFileSync(setupStateFile(settings), `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
    settings.onProgress(
      `[influxdb] set up org '${state.org}', bucket '${state.bucket}' and an operator token`,
    );
    return state;
  }
  const state = readSetupState(settings);
  const startOver = `run 'flowguard services down --purge' to start over, or point FLOWGUARD_INFLUX_DATA_DIR elsewhere`;
  if (!state) {
    throw new ServiceError(
      `InfluxDB in ${wanted.dataDir} was set up before, but ${setupStateFile(settings)} is missing, so its token is unknown; ${startOver}`,
      { retriable: false },
    );
  }
  if (state.org !== wanted.org) {
    throw new ConfigError(
      `InfluxDB in ${wanted.dataDir} was set up with org '${state.org}', not '${wanted.org}'; ${startOver}`,
    );
  }
  if (wanted.token !== undefined && wanted.token !== state.token) {
    throw new ConfigError(
      `InfluxDB in ${wanted.dataDir} was set up with another token than FLOWGUARD_INFLUX_TOKEN; ${startOver}`,
    );
  }
  if (wanted.bucket !== state.bucket) {
    // Another bucket in the same org costs nothing: create it when missing (the lookup answers 404).
    const exists = await api(
      `${baseUrl}/api/v2/buckets?orgID=${state.orgId}&name=${encodeURIComponent(wanted.bucket)}`,
      { token: state.token },
    ).then(
      () => true,
      (err: unknown) => {
        if (err instanceof ServiceError && / answered 404:/.test(err.message)) return false;
        throw err;
      },
    );
    if (!exists) {
      await api(`${baseUrl}/api/v2/buckets`, {
        method: 'POST',
        token: state.token,
        body: JSON.stringify({ orgID: state.orgId, name: wanted.bucket, retentionRules: [] }),
      });
      settings.onProgress(`[influxdb] created bucket '${wanted.bucket}'`);
    }
  }
  return { ...state, bucket: wanted.bucket };
}
