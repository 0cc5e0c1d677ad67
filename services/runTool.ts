import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { ServiceError } from '../core/errors.ts';

/** How to run an install step. */
export interface RunToolOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Every output line goes here in full. */
  logFile: string;
  /** Lines worth showing the user; the others only go to the log file. */
  show?: (line: string) => boolean;
  onProgress: (line: string) => void;
  /** Prefix of progress lines, e.g. "[kafka]". */
  label: string;
  /** Seconds between "still running" lines while the tool is quiet. */
  heartbeatS?: number;
}

/** Runs an install tool to completion (mvn, the influxd build script); rejects with the log tail. */
export async function runTool(command: string, args: string[], options: RunToolOptions): Promise<void> {
  const { logFile, onProgress, label, show = () => true, heartbeatS = 60 } = options;
  mkdirSync(dirname(logFile), { recursive: true });
  const log = createWriteStream(logFile, { flags: 'a' });
  const tail: string[] = [];
  const started = Date.now();
  let lastShown = started;
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const onLine = (line: string): void => {
    log.write(`${line}\n`);
    tail.push(line);
    if (tail.length > 30) tail.shift();
    if (show(line)) {
      onProgress(`${label} ${line}`);
      lastShown = Date.now();
    }
  };
  createInterface({ input: child.stdout }).on('line', onLine);
  createInterface({ input: child.stderr }).on('line', onLine);
  // Cargo and go print nothing for minutes; say that the install is alive.
  const heartbeat = setInterval(() => {
    if (Date.now() - lastShown >= heartbeatS * 1000) {
      onProgress(
        `${label} still working (${Math.round((Date.now() - started) / 60_000)} min so far; log: ${logFile})`,
      );
      lastShown = Date.now();
    }
  }, 5_000);
  try {
    const code = await new Promise<number | null>((resolveExit, reject) => {
      child.on('error', (err) =>
        reject(
          new ServiceError(`could not run ${command}: ${err.message}`, { cause: err, retriable: false }),
        ),
      );
      child.on('close', (exitCode) => resolveExit(exitCode));
    });
    if (code !== 0) {
      throw new ServiceError(
        `${command} ${args.join(' ')} failed (exit ${code}); full log in ${logFile}. Last lines:\n${tail.join('\n')}`,
        { retriable: false },
      );
    }
  } finally {
    clearInterval(heartbeat);
    await new Promise((done) => log.end(done));
  }
}
