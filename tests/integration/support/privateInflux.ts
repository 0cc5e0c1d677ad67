import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { influxdBinary } from '../../../services/influxdb/install.ts';
import { ensureSetup } from '../../../services/influxdb/setup.ts';
import { resolveSettings } from '../../../services/settings.ts';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** An InfluxDB of the test's own, which it may stop and start without disturbing anyone else. */
export interface PrivateInflux {
  readonly url: string;
  readonly org: string;
  readonly token: string;
  /** A bucket (created on first use). */
  bucket(name: string): Promise<string>;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and deletes its data. */
  destroy(): Promise<void>;
}

/**
 * Starts the influxd that `flowguard services up` built, on a free port with a temporary data
 * dir, and sets it up (org, bucket, operator token). The shared local InfluxDB is left alone, so
 * an outage test cannot break another test running at the same time.
 */
export async function startPrivateInflux(): Promise<PrivateInflux> {
  const shared = resolveSettings({ onProgress: () => undefined });
  const binary = influxdBinary(shared);
  const dir = mkdtempSync(join(tmpdir(), 'flowguard-influx-'));
  const port = await freePort();
  const settingsFor = (bucket: string) =>
    resolveSettings(
      { influxdb: { port, dataDir: dir, bucket, token: undefined }, onProgress: () => undefined },
      {},
    );
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  const healthy = async () => {
    try {
      const r = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1_000) });
      return r.ok && ((await r.json()) as { status?: string }).status === 'pass';
    } catch {
      return false;
    }
  };
  const start = async () => {
    const log = openSync(join(dir, 'influxd.log'), 'a');
    child = spawn(
      binary,
      [
        `--http-bind-address=127.0.0.1:${port}`,
        `--bolt-path=${join(dir, 'influxd.bolt')}`,
        `--engine-path=${join(dir, 'engine')}`,
        `--sqlite-path=${join(dir, 'influxd.sqlite')}`,
        '--reporting-disabled',
        '--ui-disabled',
      ],
      { cwd: dir, env: { ...process.env, INFLUXD_CONFIG_PATH: dir }, stdio: ['ignore', log, log] },
    );
    const deadline = Date.now() + 60_000;
    while (!(await healthy())) {
      if (child.exitCode !== null) throw new Error(`influxd exited (log: ${join(dir, 'influxd.log')})`);
      if (Date.now() > deadline) throw new Error('influxd did not pass its health check in 60 s');
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const stop = async () => {
    const c = child;
    // A child killed by a signal has a signalCode and no exitCode: it has exited all the same.
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise<void>((r) => c.once('exit', () => r()));
    c.kill('SIGTERM');
    await exited;
  };
  await start();
  const state = await ensureSetup(settingsFor('flowguard'), url);
  return {
    url,
    org: state.org,
    token: state.token,
    async bucket(name) {
      await ensureSetup(settingsFor(name), url);
      return name;
    },
    stop,
    start,
    async destroy() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
