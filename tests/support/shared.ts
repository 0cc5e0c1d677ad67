import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The shared data folder beside the clone (../shared), as CI has it; FLOWGUARD_SHARED overrides. */
export const SHARED = resolve(
  process.env['FLOWGUARD_SHARED'] ?? join(import.meta.dirname, '..', '..', '..', 'shared'),
);

/** Path of a file under ../shared; throws with a clear message when the data is not there. */
export function shared(...parts: string[]): string {
  const p = join(SHARED, ...parts);
  if (!existsSync(p))
    throw new Error(`test data missing: ${p} (expected ../shared beside the clone, or set FLOWGUARD_SHARED)`);
  return p;
}
