import { setTimeout as delay } from 'node:timers/promises';
import { ServiceError } from '../core/errors.ts';

/** How long and how often `waitFor` polls. */
export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** Checked on every round; a string stops the wait at once with that reason (e.g. the process died). */
  abort?: () => string | undefined;
}

/**
 * Polls `condition` until it returns a value other than false/undefined, and returns it.
 * A condition that throws counts as "not yet"; the last error is reported on time-out.
 */
export async function waitFor<T>(
  what: string,
  condition: () => T | false | undefined | Promise<T | false | undefined>,
  { timeoutMs, intervalMs = 250, abort }: WaitOptions,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    const reason = abort?.();
    if (reason !== undefined)
      throw new ServiceError(`gave up waiting for ${what}: ${reason}`, { retriable: false });
    try {
      const value = await condition();
      if (value !== false && value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const detail = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new ServiceError(
        `timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${detail}`,
        {
          cause: lastError,
        },
      );
    }
    await delay(intervalMs);
  }
}
