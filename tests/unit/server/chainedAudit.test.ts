import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditLog, verifyAuditFile } from '../../../audit/index.ts';
import { MemoryAuditLog } from '../../../server/audit.ts';
import { chainedAudit } from '../../../server/chainedAudit.ts';
import { call, policyHalt, testDesk, TOKENS } from './harness.ts';

describe('server - audit on the hash-chained trail', () => {
  it('refused and accepted resumes are sealed into the chain, which verifies', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'desk-audit-')), 'audit.jsonl');
    const chain = auditLog({ path });
    const d = await testDesk({ override: { audit: chainedAudit(chain, new MemoryAuditLog()) } });
    try {
      policyHalt(d.rt);
      const body = { key: 'vs:venue-a:SOLUSDT', why: 'checked the book' };
      expect((await call(`${d.url}/api/halts/resume`, { body })).status).toBe(401);
      expect((await call(`${d.url}/api/halts/resume`, { token: TOKENS.viewer, body })).status).toBe(403);
      expect((await call(`${d.url}/api/halts/resume`, { token: TOKENS.operator, body })).status).toBe(200);
      expect((await call(`${d.url}/api/audit`, { token: TOKENS.admin })).json().items).toHaveLength(3);
    } finally {
      await d.close();
      await chain.close();
    }
    const lines = readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.kind, l.scope, l.action])).toEqual([
      ['desk', 'vs:venue-a:SOLUSDT', 'resume:refused'],
      ['desk', 'vs:venue-a:SOLUSDT', 'resume:refused'],
      ['desk', 'vs:venue-a:SOLUSDT', 'resume:accepted'],
    ]);
    expect(lines[1].rationale).toBe(
      'vera (viewer) resume vs:venue-a:SOLUSDT: refused (403); why: checked the book',
    );
    expect(lines[2].data.user).toBe('otto');
    expect(await verifyAuditFile(path)).toMatchObject({ ok: true });
  });
});
