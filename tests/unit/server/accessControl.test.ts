import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { alertFor, call, policyHalt, testDesk, TOKENS } from './harness.ts';

type Desk = Awaited<ReturnType<typeof testDesk>>;

describe('server - access control and audited halt/resume', () => {
  let d: Desk;
  beforeEach(async () => {
    d = await testDesk();
    policyHalt(d.rt);
  });
  afterEach(async () => d.close());

  const resume = (token?: string, why = 'pump is over, book is normal') =>
    call(`${d.url}/api/halts/resume`, {
      token,
      body: { key: 'vs:venue-a:SOLUSDT', why, requestId: 'req-0001-abcd' },
    });

  it('an anonymous resume is refused with 401, audited, and the halt stays', async () => {
    const r = await resume();
    expect(r.status).toBe(401);
    expect(r.headers['www-authenticate']).toMatch(/Bearer/);
    expect(r.json().error.code).toBe('unauthorized');
    expect(d.rt.engine.activeRestrictions()).toHaveLength(1);
    expect(d.audit.all()).toEqual([
      expect.objectContaining({
        user: 'anonymous',
        role: 'anonymous',
        action: 'resume',
        target: 'vs:venue-a:SOLUSDT',
        why: 'pump is over, book is normal',
        outcome: 'refused',
        status: 401,
      }),
    ]);
  });

  it("a viewer's resume is refused with 403 and audited with who and why", async () => {
    const r = await resume(TOKENS.viewer);
    expect(r.status).toBe(403);
    expect(r.json().error.message).toMatch(/vera is a viewer; this needs the operator role/);
    expect(d.rt.engine.activeRestrictions()).toHaveLength(1);
    expect(d.audit.all()).toEqual([
      expect.objectContaining({
        user: 'vera',
        role: 'viewer',
        outcome: 'refused',
        status: 403,
        target: 'vs:venue-a:SOLUSDT',
      }),
    ]);
  });

  it('an unknown token is refused with 401 and audited', async () => {
    const r = await resume('not-a-real-token-at-all-123');
    expect(r.status).toBe(401);
    expect(r.json().error.message).toBe('unknown or revoked token');
    expect(d.audit.all()[0]).toMatchObject({ user: 'unknown-token', outcome: 'refused', status: 401 });
  });

  it("an operator's resume reaches the engine, which acks it; audited before delivery; a retry is applied once", async () => {
    const r = await resume(TOKENS.operator);
    expect(r.status).toBe(200);
    const { command, ack } = r.json();
    expect(command).toMatchObject({
      action: 'RESUME',
      scope: { key: 'vs:venue-a:SOLUSDT' },
      issuedBy: { user: 'otto', why: 'pump is over, book is normal' },
      sequence: 3,
    });
    expect(command.commandId).toMatch(/^manual-[0-9a-f]{32}$/);
    expect(ack).toMatchObject({
      commandId: command.commandId,
      status: 'APPLIED',
      engineId: 'reference-engine',
    });
    expect(d.rt.engine.activeRestrictions()).toHaveLength(0);
    expect(d.audit.all()).toEqual([
      expect.objectContaining({
        user: 'otto',
        role: 'operator',
        action: 'resume',
        outcome: 'accepted',
        commandId: command.commandId,
      }),
    ]);
    // The views the page reads saw the command and the ack.
    expect(d.rt.commands.values().at(-1)?.commandId).toBe(command.commandId);
    expect(d.rt.acks.values().at(-1)?.ack.status).toBe('APPLIED');

    // Same requestId: same commandId, and the engine answers DUPLICATE rather than apply it again.
    policyHalt(d.rt, 4);
    const again = await call(`${d.url}/api/halts/resume`, {
      token: TOKENS.operator,
      body: {
        scope: { level: 'venue-symbol', venue: 'venue-a', symbol: 'SOLUSDT' },
        why: 'pump is over, book is normal',
        requestId: 'req-0001-abcd',
      },
    });
    expect(again.json().command.commandId).toBe(command.commandId);
    expect(again.json().ack.status).toBe('DUPLICATE');
  });

  it('the policy can still act after a manual resume: its next sequence is not stale', async () => {
    await resume(TOKENS.operator);
    const next = policyHalt(d.rt, 4);
    expect(d.rt.acks.values().at(-1)?.ack).toMatchObject({ commandId: next.commandId, status: 'APPLIED' });
  });

  it('manual halt: an operator halts a venue-symbol; a global halt needs an admin', async () => {
    const halt = await call(`${d.url}/api/halts`, {
      token: TOKENS.operator,
      body: {
        scope: { level: 'venue-symbol', venue: 'venue-b', symbol: 'ETHUSDT' },
        why: 'suspicious prints',
      },
    });
    expect(halt.status).toBe(200);
    expect(halt.json().ack.status).toBe('APPLIED');
    expect(d.rt.engine.activeRestrictions().map((r) => r.scope.key)).toContain('vs:venue-b:ETHUSDT');

    const global = await call(`${d.url}/api/halts`, {
      token: TOKENS.operator,
      body: { scope: { level: 'global' }, why: 'exchange outage' },
    });
    expect(global.status).toBe(403);
    expect(global.json().error.message).toMatch(/global scope needs the admin role/);
    const admin = await call(`${d.url}/api/halts`, {
      token: TOKENS.admin,
      body: { scope: { level: 'global' }, why: 'exchange outage' },
    });
    expect(admin.status).toBe(200);
    expect(d.audit.all().map((e) => [e.user, e.action, e.target, e.outcome])).toEqual([
      ['otto', 'halt', 'vs:venue-b:ETHUSDT', 'accepted'],
      ['otto', 'halt', 'global', 'refused'],
      ['ada', 'halt', 'global', 'accepted'],
    ]);
  });

  it('resuming a scope with no restriction by key is a clear 404, audited as invalid', async () => {
    const r = await call(`${d.url}/api/halts/resume`, {
      token: TOKENS.operator,
      body: { key: 'vs:x:Y', why: 'test it' },
    });
    expect(r.status).toBe(404);
    expect(r.json().error.message).toMatch(/no restriction is in force on 'vs:x:Y'/);
    expect(d.audit.all()[0]).toMatchObject({ outcome: 'invalid', status: 404, target: 'vs:x:Y' });
  });

  it('reads are open to anonymous viewers by default; only admins read the audit trail', async () => {
    d.rt.alerts.write([alertFor()]);
    expect((await call(`${d.url}/api/halts`)).json().items).toHaveLength(1);
    expect((await call(`${d.url}/api/whoami`)).json()).toMatchObject({
      user: 'anonymous',
      role: 'viewer',
      authenticated: false,
    });
    expect((await call(`${d.url}/api/whoami`, { token: TOKENS.operator })).json()).toMatchObject({
      user: 'otto',
      role: 'operator',
    });
    expect((await call(`${d.url}/api/audit`, { token: TOKENS.operator })).status).toBe(403);
    expect((await call(`${d.url}/api/audit`, { token: TOKENS.admin })).status).toBe(200);
  });

  it('the audit trail failing stops the change: no unaudited resume', async () => {
    await d.close();
    d = await testDesk({
      override: {
        audit: {
          record(e) {
            if (e.outcome === 'accepted') throw new Error('disk full');
          },
        },
      },
    });
    policyHalt(d.rt);
    const r = await resume(TOKENS.operator);
    expect(r.status).toBe(503);
    expect(r.json().error.code).toBe('audit_unavailable');
    expect(r.text).not.toMatch(/disk full/);
    expect(d.rt.engine.activeRestrictions()).toHaveLength(1);
  });
});

describe('server - anonymous none', () => {
  it('without a token nothing but the page and health can be read', async () => {
    const d = await testDesk({ anonymous: 'none' });
    try {
      expect((await call(`${d.url}/api/halts`)).status).toBe(401);
      expect((await call(`${d.url}/api/halts`, { token: TOKENS.viewer })).status).toBe(200);
      expect((await call(`${d.url}/healthz`)).status).toBe(200);
      expect((await call(`${d.url}/`)).status).toBe(200);
    } finally {
      await d.close();
    }
  });
});
