import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ServiceError } from '../../core/errors.ts';
import type { ServicesSettings } from '../settings.ts';
import { runTool } from '../runTool.ts';

const pom = fileURLToPath(new URL('./pom.xml', import.meta.url));

/** Where the broker's jars live once installed. */
export function kafkaLibDir(settings: ServicesSettings): string {
  return join(settings.cacheDir, 'kafka', settings.kafka.version, 'libs');
}

/** The java binary: $JAVA_HOME/bin/java, else java on PATH. Kafka 4 brokers need Java 17 or newer. */
export function javaCommand(): string {
  const home = process.env.JAVA_HOME;
  const java = home ? join(home, 'bin', 'java') : 'java';
  const probe = spawnSync(java, ['-version'], { encoding: 'utf8' });
  if (probe.error) {
    throw new ServiceError(
      `cannot run '${java}': install a Java 17+ runtime (apt-get install openjdk-17-jre-headless)`,
      {
        cause: probe.error,
        retriable: false,
      },
    );
  }
  const match = /version "(\d+)(?:\.(\d+))?/.exec(probe.stderr);
  const major = match ? Number(match[1] === '1' ? match[2] : match[1]) : 0;
  if (major < 17) {
    throw new ServiceError(
      `Apache Kafka 4 needs Java 17 or newer; '${java} -version' says: ${probe.stderr.split('\n')[0]}`,
      {
        retriable: false,
      },
    );
  }
  return java;
}

/**
 * Fetches the broker's jars from Maven Central with Maven (once per version) and returns their
 * directory. The jars are copied to a staging directory first, so an interrupted install is redone.
 */
export async function installKafka(settings: ServicesSettings): Promise<string> {
  const libs = kafkaLibDir(settings);
  const home = join(libs, '..');
  const marker = join(home, 'installed');
  if (existsSync(marker)) return libs;
  const { onProgress } = settings;
  const started = Date.now();
  onProgress(
    `[kafka] installing Apache Kafka ${settings.kafka.version}: fetching its jars from Maven Central with mvn`,
  );
  mkdirSync(home, { recursive: true });
  const staging = join(home, 'libs.staging');
  rmSync(staging, { recursive: true, force: true });
  // mvn writes next to its pom (target/), so it runs on a copy inside the cache, not in the repository.
  copyFileSync(pom, join(home, 'pom.xml'));
  await runTool(
    'mvn',
    [
      '-B',
      '-f',
      join(home, 'pom.xml'),
      `-Dkafka.version=${settings.kafka.version}`,
      'dependency:copy-dependencies',
      `-DoutputDirectory=${staging}`,
    ],
    {
      cwd: home,
      logFile: join(home, 'install.log'),
      label: '[kafka]',
      onProgress,
      show: (line) => /Downloaded from .*\/org\/apache\/kafka\/.*\.jar|ERROR|BUILD/.test(line),
    },
  ).catch((err: unknown) => {
    if (err instanceof ServiceError && /could not run mvn/.test(err.message)) {
      throw new ServiceError('Maven (mvn) is needed to fetch Apache Kafka: apt-get install maven', {
        cause: err,
      });
    }
    throw err;
  });
  rmSync(libs, { recursive: true, force: true });
  renameSync(staging, libs);
  writeFileSync(marker, `${new Date().toISOString()}\n`);
  onProgress(`[kafka] installed in ${((Date.now() - started) / 1000).toFixed(1)} s (${libs})`);
  return libs;
}
