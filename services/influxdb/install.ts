import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServicesSettings } from '../settings.ts';
import { runTool } from '../runTool.ts';

const buildScript = fileURLToPath(new URL('./build-influxd.sh', import.meta.url));

/** Where the influxd binary of the configured version lives once built. */
export function influxdBinary(settings: ServicesSettings): string {
  return join(settings.cacheDir, 'influxdb', settings.influxdb.version, 'bin', 'influxd');
}

/**
 * Builds influxd from its Go module (once per version) with build-influxd.sh and returns the binary.
 * The script moves the binary into place only when the build succeeded, so its presence means done.
 */
export async function installInfluxd(settings: ServicesSettings): Promise<string> {
  const binary = influxdBinary(settings);
  if (existsSync(binary)) return binary;
  const { onProgress } = settings;
  const prefix = join(settings.cacheDir, 'influxdb', settings.influxdb.version);
  const started = Date.now();
  onProgress(
    `[influxdb] installing InfluxDB ${settings.influxdb.version}: building influxd and the Flux library from source (Go + cargo); expect 15-40 minutes on 2 cores`,
  );
  await runTool('bash', [buildScript, settings.influxdb.version, prefix], {
    logFile: join(prefix, 'build.log'),
    label: '[influxdb]',
    onProgress,
    show: (line) => line.startsWith('[influxdb build]'),
  });
  onProgress(`[influxdb] installed in ${((Date.now() - started) / 60_000).toFixed(1)} min (${binary})`);
  return binary;
}
