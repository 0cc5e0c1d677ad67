import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { ReferenceEngine } from '../../../engine/referenceEngine.ts';
import { handleCommand } from '../../../engine/handleCommand.ts';
import { webhookSink } from '../../../engine/webhookClient.ts';
import { startWebhookServer, type WebhookServer } from '../../../engine/webhookServer.ts';
import { signedHeaders, verifySignature } from '../../../engine/webhookSignature.ts';
import { Command } from '../../../schemas/command.ts';
import type { AckRecord } from '../../../sinks/engineSink.ts';

const secret = 'test-secret-0123456789';
const cmd = (sequence: number, action: Command['action'] = 'HALT'): Command =>
  Command.parse({
    commandId: `cmd-${action}-${sequence}`,
    sequence,
    action,
    scope: { level: 'venue-symbol', key: 'vs:venue-a:SOLUSDT', venue: 'venue-a', symbol: 'SOLUSDT' },
    eventTime: Date.now(),
    issuedAt: Date.now(),
    expiresAt: Date.now() + 60_000,
    reason: { code: 'SCORE_THRESHOLD', text: 'test' },
  });

function post(url: string, body: string, headers: Record<string, string>) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        let b = '';
        res.on('data', (c: Buffer) => (b += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: b }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('engine webhook - HMAC-signed HTTP transport', () => {
  let server: WebhookServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('delivers commands in order, once each: a retried command is answered DUPLICATE, acks are signed and verified', async () => {
    const engine = new ReferenceEngine('http-engine');
    server = await startWebhookServer({ engine, secret });
    const acks: AckRecord[] = [];
    const sink = webhookSink({ url: server.url, secret, onAck: (r) => acks.push(r) });
    const halt = cmd(1);
    sink.write([{ command: cmd(1, 'THROTTLE'), arrivalMs: performance.now() }]);
    sink.write([{ command: { ...halt, sequence: 2, commandId: 'h2' }, arrivalMs: performance.now() }]);
    sink.write([{ command: { ...halt, sequence: 2, commandId: 'h2' }, arrivalMs: performance.now() }]);
    await sink.flush();
    expect(acks.map((a) => a.ack.status)).toEqual(['APPLIED', 'APPLIED', 'DUPLICATE']);
    expect(acks[1]!.ack).toMatchObject({
      engineId: 'http-engine',
      scopeKey: 'vs:venue-a:SOLUSDT',
      sequence: 2,
    });
    expect(engine.activeRestrictions().map((r) => r.action)).toEqual(['HALT']);
    expect(sink.haltLatency.count).toBe(2);
    expect(sink.stats).toMatchObject({ acked: 3, failed: 0 });
    await sink.close();
  });

  it('refuses an unsigned, wrongly signed or replayed request with 401 and applies nothing', async () => {
    const engine = new ReferenceEngine('e');
    server = await startWebhookServer({ engine, secret, maxSkewMs: 1000 });
    const body = JSON.stringify(cmd(1));
    expect((await post(server.url, body, {})).status).toBe(401);
    expect((await post(server.url, body, signedHeaders('other-secret', body, Date.now()))).status).toBe(401);
    const old = await post(server.url, body, signedHeaders(secret, body, Date.now() - 60_000));
    expect(old.status).toBe(401);
    expect(old.body).toContain('check the clocks');
    const tampered = signedHeaders(secret, body, Date.now());
    expect((await post(server.url, body.replace('HALT', 'RESUME'), tampered)).status).toBe(401);
    expect(engine.applied + engine.rejected).toBe(0);
    const ok = await post(server.url, body, signedHeaders(secret, body, Date.now()));
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toMatchObject({ status: 'APPLIED' });
  });

  it('retries when the engine is down, and gives up after the configured retries without blocking the writer', async () => {
    const engine = new ReferenceEngine('e');
    const s = await startWebhookServer({ engine, secret });
    const url = s.url;
    await s.close();
    const errors: string[] = [];
    const sink = webhookSink({
      url,
      secret,
      retries: 2,
      backoffMs: 5,
      onError: (e) => errors.push(e.message),
    });
    const t0 = performance.now();
    sink.write([{ command: cmd(1), arrivalMs: t0 }]);
    expect(performance.now() - t0).toBeLessThan(50);
    await sink.flush();
    expect(sink.stats).toMatchObject({ sent: 3, retried: 2, failed: 1 });
    expect(errors[0]).toMatch(/engine webhook/);
    await sink.close();
  });

  it('a command that does not validate is answered REJECTED INVALID when it has an id, dead-lettered when not', async () => {
    const engine = new ReferenceEngine('e');
    const bad = handleCommand(engine, JSON.stringify({ commandId: 'x1', action: 'NUKE' }));
    expect(bad).toMatchObject({ ack: { commandId: 'x1', status: 'REJECTED', rejectCode: 'INVALID' } });
    expect(handleCommand(engine, 'not json')).toMatchObject({
      deadLetter: { reason: 'engine: command is not JSON' },
    });
    server = await startWebhookServer({ engine, secret });
    const body = JSON.stringify({ action: 'HALT' });
    const res = await post(server.url, body, signedHeaders(secret, body, Date.now()));
    expect(res.status).toBe(400);
    expect(engine.applied).toBe(0);
  });

  it('signatures: constant-time check over timestamp and body', () => {
    const h = signedHeaders(secret, '{"a":1}', 1000);
    expect(
      verifySignature(secret, '{"a":1}', h['x-flowguard-timestamp'], h['x-flowguard-signature'], 1500, 1000),
    ).toBeUndefined();
    expect(
      verifySignature(secret, '{"a":2}', h['x-flowguard-timestamp'], h['x-flowguard-signature'], 1500, 1000),
    ).toBe('signature does not match');
  });
});
