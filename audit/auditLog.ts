import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataError } from '../core/errors.ts';
import type { Sink } from '../sinks/sink.ts';
import { GENESIS, seal, unseal, type AuditEntry, type AuditLine } from './hashChain.ts';

export interface AuditLogOptions {
  /** The chain's file, appended to; an existing chain is continued from its last line. */
  readonly path: string;
  /** Copies of every sealed line, e.g. the Kafka audit topic (keyed by seq); never block the file. */
  readonly copies?: readonly Sink<AuditLine>[];
}

/** The last line of a file, read from its end (an audit file can be large). */
function lastLine(fd: number): string | undefined {
  const size = fstatSync(fd).size;
  let end = size;
  let tail = '';
  while (end > 0) {
    const start = Math.max(0, end - 64 * 1024);
    const buf = Buffer.alloc(end - start);
    readSync(fd, buf, 0, buf.length, start);
    tail = buf.toString('utf8') + tail;
    const lines = tail.split('\n').filter((l) => l !== '');
    if (lines.length > 1 || start === 0) return lines.at(-1);
    end = start;
  }
  return undefined;
}

/**
 * The hash-chained audit trail (audit/hashChain.ts) as a sink of entries: each batch is sealed and
 * appended to the file synchronously, in order, before `write` returns, then handed to the copies.
 * Reopening a file continues its chain; a file whose last line is not sealed is refused rather than
 * silently forked. `flowguard audit verify FILE` checks a chain.
 */
export function auditLog(
  o: AuditLogOptions,
): Sink<AuditEntry> & { readonly head: () => AuditLine | undefined } {
  mkdirSync(dirname(o.path), { recursive: true });
  let fd: number | null = openSync(o.path, existsSync(o.path) ? 'r+' : 'w+');
  let prev = GENESIS;
  let seq = 0;
  let head: AuditLine | undefined;
  const last = lastLine(fd);
  if (last !== undefined) {
    const u = unseal(last);
    if ('error' in u) {
      closeSync(fd);
      throw new DataError(
        `audit file ${o.path} does not end with a sealed line (${u.error}): verify it, then move it aside`,
      );
    }
    prev = u.hash;
    seq = u.seq;
    head = { seq, hash: prev, text: last };
  }
  let position = fstatSync(fd).size;
  const copies = o.copies ?? [];
  return {
    name: `audit:${o.path}`,
    head: () => head,
    write(batch) {
      if (fd === null) throw new DataError(`audit log ${o.path} is closed`);
      if (batch.length === 0) return;
      const lines = batch.map((e) => {
        const line = seal(e, ++seq, prev);
        prev = line.hash;
        return line;
      });
      const text = lines.map((l) => `${l.text}\n`).join('');
      position += writeSync(fd, text, position, 'utf8');
      head = lines.at(-1);
      for (const c of copies) void c.write(lines);
    },
    async flush() {
      await Promise.all(copies.map((c) => c.flush()));
    },
    async close() {
      if (fd !== null) closeSync(fd);
      fd = null;
      await Promise.all(copies.map((c) => c.close()));
    },
  };
}
