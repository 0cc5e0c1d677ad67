import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditLog } from '../../../audit/auditLog.ts';
import { commandEntry } from '../../../audit/auditEntries.ts';
import { verifyAuditFile } from '../../../audit/verifyAudit.ts';
import type { AuditLine } from '../../../audit/hashChain.ts';
import { main } from '../../../cli/main.ts';
import { Command } from '../../../schemas/command.ts';

const file = () => join(mkdtempSync(join(tmpdir(), 'flowguard-audit-')), 'audit.jsonl');
const halt = (i: number) =>
  Command.parse({
    commandId: `cmd-${i}`,
    sequence: i,
    action: i % 2 ? 'HALT' : 'RESUME',
    scope: { level: 'venue-symbol', key: 'vs:x:BTCUSDT', venue: 'x', symbol: 'BTCUSDT' },
    eventTime: 1000 * i,
    issuedAt: 1000 * i,
    reason: {
      code: 'SCORE_THRESHOLD',
      text: `halted BTCUSDT on venue x: ensemble 0.997 ≥ 0.99 for 3 s; top features: cancel_to_trade 41 (p99.9)`,
    },
  });

async function writeChain(path: string, n: number, from = 1) {
  const copies: AuditLine[] = [];
  const log = auditLog({
    path,
    copies: [
      { name: 'copy', write: (b) => void copies.push(...b), flush: async () => {}, close: async () => {} },
    ],
  });
  for (let i = from; i < from + n; i++) log.write([commandEntry(halt(i))]);
  await log.close();
  return copies;
}

const lines = (path: string) => readFileSync(path, 'utf8').split('\n').filter(Boolean);

async function cli(...args: string[]) {
  const out: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => void out.push(a.join(' '));
  try {
    return { code: await main(args), out: out.join('\n') };
  } finally {
    console.log = log;
  }
}

describe('audit trail - hash chain', () => {
  it('writes one sealed line per decision with its rationale; the chain verifies and the copies get every line', async () => {
    const path = file();
    const copies = await writeChain(path, 5);
    const text = lines(path);
    expect(text).toHaveLength(5);
    expect(JSON.parse(text[0]!)).toMatchObject({
      seq: 1,
      kind: 'command',
      id: 'cmd-1',
      action: 'HALT',
      prev: '0'.repeat(64),
    });
    expect(JSON.parse(text[0]!).rationale).toContain('ensemble 0.997 ≥ 0.99 for 3 s');
    expect(copies.map((c) => c.text)).toEqual(text);
    const v = await verifyAuditFile(path);
    expect(v).toMatchObject({ ok: true, lines: 5, head: copies.at(-1)!.hash });
  });

  it('reopening the file continues the chain', async () => {
    const path = file();
    await writeChain(path, 3);
    await writeChain(path, 2, 4);
    expect(await verifyAuditFile(path)).toMatchObject({ ok: true, lines: 5 });
  });

  it('audit verify finds a changed line, a removed line and swapped lines, by line number', async () => {
    const path = file();
    await writeChain(path, 6);
    const good = lines(path);
    expect(await cli('audit', 'verify', path)).toMatchObject({ code: 0 });

    const changed = [...good];
    changed[2] = changed[2]!.replace('0.997', '0.897');
    writeFileSync(path, changed.join('\n') + '\n');
    const c = await cli('audit', 'verify', path, '--json');
    expect(c.code).toBe(1);
    expect(JSON.parse(c.out)).toMatchObject({
      ok: false,
      error: { line: 3, reason: expect.stringMatching(/hash mismatch/) },
    });

    writeFileSync(path, [...good.slice(0, 3), ...good.slice(4)].join('\n') + '\n');
    expect(await verifyAuditFile(path)).toMatchObject({
      ok: false,
      error: { line: 4, reason: expect.stringMatching(/chain broken/) },
    });

    writeFileSync(path, [good[0], good[2], good[1], ...good.slice(3)].join('\n') + '\n');
    expect(await verifyAuditFile(path)).toMatchObject({ ok: false, error: { line: 2 } });

    // Recomputing a line's own hash after an edit does not help: the next line names the old one.
    const forged = [...good];
    const body = JSON.parse(forged[1]!);
    delete body.hash;
    body.rationale = 'nothing happened';
    const { seal } = await import('../../../audit/hashChain.ts');
    const { seq, prev, ...entry } = body;
    forged[1] = seal(entry, seq, prev).text;
    writeFileSync(path, forged.join('\n') + '\n');
    const f = await cli('audit', 'verify', path);
    expect(f.code).toBe(1);
    expect(f.out).toMatch(/BROKEN at line 3: chain broken/);
  });

  it('refuses to continue a file whose last line is not sealed', async () => {
    const path = file();
    await writeChain(path, 2);
    writeFileSync(path, readFileSync(path, 'utf8') + '{"oops":1}\n');
    expect(() => auditLog({ path })).toThrow(/does not end with a sealed line/);
  });
});
