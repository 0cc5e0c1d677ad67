import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, policyHalt, testDesk, TOKENS } from './harness.ts';

type Desk = Awaited<ReturnType<typeof testDesk>>;

describe('server - request bodies and errors', () => {
  let d: Desk;
  beforeAll(async () => {
    d = await testDesk({
      override: {
        history: {
          queryAlerts: async () => {
            throw new Error('connect ECONNREFUSED 10.0.0.7:8086 token=secret-influx-token');
          },
          queryAnomalies: async () => ({ items: [], limit: 1, offset: 0, nextOffset: null }),
          queryCommands: async () => ({ items: [], limit: 1, offset: 0, nextOffset: null }),
        },
      },
    });
    policyHalt(d.rt);
  });
  afterAll(async () => d.close());

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    call(`${d.url}/api/halts/resume`, { token: TOKENS.operator, body, headers });

  it('a body over the size limit is refused with 413 before it is parsed', async () => {
    const r = await post(JSON.stringify({ key: 'vs:venue-a:SOLUSDT', why: 'x'.repeat(40_000) }));
    expect(r.status).toBe(413);
    expect(r.json().error.code).toBe('body_too_large');
  });

  it('a body that is not JSON is a 415 or a 400 with a plain message', async () => {
    expect((await post('why=x', { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(415);
    const bad = await post('{"key": ');
    expect(bad.status).toBe(400);
    expect(bad.json().error.message).toBe('the request body is not valid JSON');
  });

  it('zod validation: each issue by path, unknown fields refused, reasons required', async () => {
    const r = await post({ key: 'vs:venue-a:SOLUSDT', why: '', extra: 1 });
    expect(r.status).toBe(400);
    const { code, issues } = r.json().error;
    expect(code).toBe('invalid_body');
    expect(issues.map((i: { path: string }) => i.path).sort()).toEqual(['(root)', 'why']);
    const both = await post({ key: 'k', scope: { level: 'global' }, why: 'because' });
    expect(both.json().error.message).toMatch(/either key .* or scope, not both/);
    const badScope = await call(`${d.url}/api/halts`, {
      token: TOKENS.operator,
      body: { scope: { level: 'venue-symbol', venue: 'a b<script>', symbol: 'X' }, why: 'test' },
    });
    expect(badScope.status).toBe(400);
    expect(d.rt.engine.activeRestrictions()).toHaveLength(1);
  });

  it('a failure inside is a 500 that names the request id and nothing else', async () => {
    const r = await call(`${d.url}/api/history/alerts`);
    expect(r.status).toBe(500);
    expect(r.text).not.toMatch(/ECONNREFUSED|secret|8086|at /);
    expect(r.json().error.message).toContain(r.headers['x-request-id']);
    expect(d.logs.join('\n')).toMatch(/ECONNREFUSED/);
  });

  it('unknown paths and methods, query validation', async () => {
    expect((await call(`${d.url}/api/nope`)).status).toBe(404);
    expect((await call(`${d.url}/api/halts/resume`)).status).toBe(405);
    const q = await call(`${d.url}/api/history/anomalies?minScore=2&limit=0`);
    expect(q.status).toBe(400);
    expect(q.json().error.code).toBe('invalid_query');
    expect(
      q
        .json()
        .error.issues.map((i: { path: string }) => i.path)
        .sort(),
    ).toEqual(['limit', 'minScore']);
  });

  it('the page and its assets are served with a strict content security policy', async () => {
    const page = await call(`${d.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(page.text).not.toMatch(/https?:\/\//);
    expect((await call(`${d.url}/web/app.js`)).status).toBe(200);
    expect((await call(`${d.url}/web/../index.ts`)).status).toBe(404);
  });

  it('health, readiness and Prometheus metrics', async () => {
    expect((await call(`${d.url}/healthz`)).json()).toEqual({ status: 'ok' });
    expect((await call(`${d.url}/readyz`)).json()).toEqual({ status: 'ready', checks: { pipeline: true } });
    const m = await call(`${d.url}/metrics`);
    expect(m.status).toBe(200);
    for (const name of [
      'flowguard_events_total',
      'flowguard_stage_latency_seconds',
      'flowguard_commands_total',
      'flowguard_sink_buffer_fill_ratio',
      'flowguard_http_requests_total',
    ])
      expect(m.text).toContain(name);
  });
});
