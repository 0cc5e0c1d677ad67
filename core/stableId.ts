import { createHash } from 'node:crypto';

/**
 * A deterministic id from its parts (SHA-256, 128 bits in hex): the same inputs give the same id in
 * a replay, a retry or another instance, which is what lets the engine apply a command only once.
 */
export function stableId(prefix: string, ...parts: readonly (string | number)[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(String(p)).update('\u0000');
  return `${prefix}-${h.digest('hex').slice(0, 32)}`;
}
