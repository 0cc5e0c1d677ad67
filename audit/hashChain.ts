import { createHash } from 'node:crypto';

/** The `prev` of the first line of a chain. */
export const GENESIS = '0'.repeat(64);

/** One decision as the audit trail records it, before it is chained. */
export interface AuditEntry {
  /** Decision time, epoch ms: `issuedAt` for commands (event time in replay), `ackedAt` for acks. */
  readonly at: number;
  /** `command`, `alert`, `ack`, `engine` (safe mode entered or left), ... */
  readonly kind: string;
  /** The id of what is recorded: commandId, alertId. */
  readonly id: string;
  readonly scope?: string;
  readonly action?: string;
  /** The decision in words and numbers. */
  readonly rationale: string;
  /** The full record (command, alert, ack) for machines. */
  readonly data?: unknown;
}

/** A chained line: its number, its hash and its exact text (no newline). */
export interface AuditLine {
  readonly seq: number;
  readonly hash: string;
  readonly text: string;
}

const HASH_SUFFIX = /,"hash":"([0-9a-f]{64})"\}$/;

export const sha256 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');

/**
 * Seals an entry into the chain: the line is the JSON of `{seq, prev, ...entry}` with
 * `"hash": sha256(that JSON)` appended as its last field. The hash covers the exact bytes, and each
 * line names its predecessor's hash, so changing, removing, inserting or reordering any line breaks
 * the chain from there on.
 */
export function seal(entry: AuditEntry, seq: number, prev: string): AuditLine {
  const body = JSON.stringify({ seq, prev, ...entry });
  const hash = sha256(body);
  return { seq, hash, text: `${body.slice(0, -1)},"hash":"${hash}"}` };
}

/** The parts of a line, or why it is not a sealed line. */
export function unseal(
  text: string,
): { seq: number; prev: string; hash: string; body: string; entry: AuditEntry } | { error: string } {
  const m = HASH_SUFFIX.exec(text);
  if (!m) return { error: 'no "hash" field at the end of the line' };
  const body = `${text.slice(0, m.index)}}`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (err) {
    return { error: `not JSON: ${(err as Error).message}` };
  }
  const p = parsed as { seq?: unknown; prev?: unknown } & AuditEntry;
  if (typeof p.seq !== 'number' || typeof p.prev !== 'string') return { error: 'no "seq" or "prev" field' };
  return { seq: p.seq, prev: p.prev, hash: m[1]!, body, entry: p };
}
