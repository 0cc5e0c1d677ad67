import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { waitFor } from './waitFor.ts';

function holderAlive(dir: string): boolean {
  try {
    const pid = Number(readFileSync(join(dir, 'pid'), 'utf8'));
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function tryLock(dir: string): boolean {
  mkdirSync(dirname(dir), { recursive: true });
  try {
    mkdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    // A holder that died (killed CLI, crashed test run) leaves its lock behind: take it over.
    if (holderAlive(dir)) return false;
    rmSync(dir, { recursive: true, force: true });
    return false;
  }
  writeFileSync(join(dir, 'pid'), String(process.pid));
  return true;
}

/**
 * Runs `body` while holding a lock directory, so that two `services up` (a user's and a test run's)
 * never install or start the same service twice. Waits as long as an install may take.
 */
export async function withLock<T>(
  dir: string,
  onWait: () => void,
  body: () => Promise<T>,
  timeoutMs = 2 * 60 * 60_000,
): Promise<T> {
  if (!tryLock(dir)) {
    onWait();
    await waitFor(`the lock ${dir} held by another flowguard process`, () => tryLock(dir), {
      timeoutMs,
      intervalMs: 1_000,
    });
  }
  try {
    return await body();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
