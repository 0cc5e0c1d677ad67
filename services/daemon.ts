import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { ServiceError } from '../core/errors.ts';
import { waitFor } from './waitFor.ts';

/** A detached background process tracked by a pid file, logging to one file. */
export interface Daemon {
  /** Short name for messages ("kafka", "influxd"). */
  name: string;
  pidFile: string;
  logFile: string;
  /** A string the process's command line contains, so that a recycled pid is not taken for ours. */
  marker: string;
}

function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid of the running daemon, or undefined (a stale pid file is removed). */
export function runningPid(daemon: Daemon): number | undefined {
  if (!existsSync(daemon.pidFile)) return undefined;
  const pid = Number(readFileSync(daemon.pidFile, 'utf8').trim());
  if (Number.isInteger(pid) && pid > 0 && alive(pid)) {
    const cmd = commandLine(pid);
    // Without /proc (not Linux) trust the pid; with it, make sure the pid was not recycled.
    if (cmd === undefined || cmd.includes(daemon.marker)) return pid;
  }
  rmSync(daemon.pidFile, { force: true });
  return undefined;
}

/**
 * A log above this size is moved aside (to `<log>.1`, replacing the previous one) when its daemon
 * starts: a daemon's log is appended to across every start, and the broker's had reached 1.7 GB.
 */
const MAX_LOG_BYTES = 64 << 20;

/** Starts `command args` detached from this process, output appended to the log file. */
export function startDaemon(
  daemon: Daemon,
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): number {
  mkdirSync(dirname(daemon.pidFile), { recursive: true });
  mkdirSync(dirname(daemon.logFile), { recursive: true });
  if (existsSync(daemon.logFile) && statSync(daemon.logFile).size > MAX_LOG_BYTES)
    renameSync(daemon.logFile, `${daemon.logFile}.1`);
  const log = openSync(daemon.logFile, 'a');
  try {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: true,
      stdio: ['ignore', log, log],
    });
    if (child.pid === undefined) {
      throw new ServiceError(`could not start ${daemon.name} (${command}): is it installed and on PATH?`);
    }
    child.unref();
    writeFileSync(daemon.pidFile, `${child.pid}\n`);
    return child.pid;
  } finally {
    closeSync(log);
  }
}

/** Last lines of the daemon's log, for error messages. */
export function logTail(daemon: Daemon, lines = 20): string {
  try {
    return readFileSync(daemon.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Sends SIGTERM, waits for the process to exit, and falls back to SIGKILL after the grace time. */
export async function stopDaemon(daemon: Daemon, graceMs = 30_000): Promise<boolean> {
  const pid = runningPid(daemon);
  if (pid === undefined) return false;
  process.kill(pid, 'SIGTERM');
  try {
    await waitFor(`${daemon.name} (pid ${pid}) to exit`, () => !alive(pid), { timeoutMs: graceMs });
  } catch {
    process.kill(pid, 'SIGKILL');
    await waitFor(`${daemon.name} (pid ${pid}) to exit after SIGKILL`, () => !alive(pid), {
      timeoutMs: 10_000,
    });
  }
  rmSync(daemon.pidFile, { force: true });
  return true;
}
