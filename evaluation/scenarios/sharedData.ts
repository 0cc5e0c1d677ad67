import { join, resolve } from 'node:path';

/** The shared data folder beside the clone (../shared); FLOWGUARD_SHARED overrides. */
export function sharedDir(): string {
  return resolve(process.env['FLOWGUARD_SHARED'] ?? join(import.meta.dirname, '..', '..', '..', 'shared'));
}
