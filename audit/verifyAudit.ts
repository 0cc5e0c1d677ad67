import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { GENESIS, sha256, unseal } from './hashChain.ts';

export interface AuditVerdict {
  readonly ok: boolean;
  /** Lines read (all of them when ok, up to the first broken one otherwise). */
  readonly lines: number;
  /** Hash of the last good line: compare it with a copy (the Kafka topic) to detect a cut tail. */
  readonly head: string;
  /** The first broken line, 1-based, and what is wrong with it. */
  readonly error?: { readonly line: number; readonly reason: string };
}

/** Checks a chain of sealed lines (audit/hashChain.ts), line by line; stops at the first break. */
export async function verifyAuditLines(
  lines: AsyncIterable<string> | Iterable<string>,
  genesis = GENESIS,
): Promise<AuditVerdict> {
  let prev = genesis;
  let n = 0;
  for await (const text of lines) {
    if (text === '') continue;
    n++;
    const fail = (reason: string): AuditVerdict => ({
      ok: false,
      lines: n,
      head: prev,
      error: { line: n, reason },
    });
    const u = unseal(text);
    if ('error' in u) return fail(u.error);
    if (sha256(u.body) !== u.hash) return fail('hash mismatch: the line was changed after it was written');
    if (u.prev !== prev)
      return fail(
        `chain broken: prev ${u.prev.slice(0, 12)}… is not the hash of the line before (${prev.slice(0, 12)}…): a line was removed, inserted or moved`,
      );
    if (u.seq !== n)
      return fail(
        `sequence ${u.seq} where ${n} was expected: the file does not start at the chain's first line`,
      );
    prev = u.hash;
  }
  return { ok: true, lines: n, head: prev };
}

/** Checks an audit file. */
export function verifyAuditFile(path: string, genesis = GENESIS): Promise<AuditVerdict> {
  const rl = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  return verifyAuditLines(rl, genesis);
}
