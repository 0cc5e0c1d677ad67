import { request } from 'node:http';
import { EMPTY } from 'rxjs';
import { SCHEMA_VERSION } from '../../../schemas/common.ts';
import type { Alert } from '../../../schemas/alert.ts';
import type { Command } from '../../../schemas/command.ts';
import { Config } from '../../../schemas/config.ts';
import { embeddedRuntime, type EmbeddedRuntime } from '../../../pipelines/embedded.ts';
import { AccessConfig } from '../../../server/accessConfig.ts';
import { MemoryAuditLog } from '../../../server/audit.ts';
import type { RiskDeskDeps } from '../../../server/deps.ts';
import { embeddedDesk } from '../../../server/embeddedDesk.ts';
import { startRiskDesk, type RiskDesk } from '../../../server/index.ts';

export const TOKENS = {
  viewer: 'viewer-token-0123456789abcdef',
  operator: 'operator-token-0123456789abcdef',
  admin: 'admin-token-0123456789abcdef',
};

/** A risk desk on a free port over an embedded runtime that is never run: tests feed it by hand. */
export async function testDesk(
  o: { anonymous?: 'viewer' | 'none'; override?: Partial<RiskDeskDeps> } = {},
): Promise<{
  rt: EmbeddedRuntime;
  audit: MemoryAuditLog;
  desk: RiskDesk;
  url: string;
  logs: string[];
  close(): Promise<void>;
}> {
  const config = Config.parse({});
  const rt = embeddedRuntime(EMPTY, config);
  const audit = new MemoryAuditLog();
  const logs: string[] = [];
  const access = AccessConfig.parse({
    anonymous: o.anonymous ?? 'viewer',
    tokens: [
      { user: 'vera', role: 'viewer', token: TOKENS.viewer },
      { user: 'otto', role: 'operator', token: TOKENS.operator },
      { user: 'ada', role: 'admin', token: TOKENS.admin },
    ],
  });
  const wired = embeddedDesk(rt, { config, access, audit, log: (l) => logs.push(l) });
  const desk = await startRiskDesk({ ...wired.deps, ...o.override }, { port: 0 });
  return {
    rt,
    audit,
    desk,
    url: desk.url.replace(/\/$/, ''),
    logs,
    async close() {
      wired.stop();
      await desk.close();
    },
  };
}

let n = 0;
/** An alert for `symbol` on venue-a with a fresh id. */
export function alertFor(symbol = 'SOLUSDT', score = 0.95, eventTime = 1_700_000_000_000 + n * 1000): Alert {
  n++;
  return {
    schemaVersion: SCHEMA_VERSION,
    alertId: `alert-${n}`,
    key: `vs:venue-a:${symbol}`,
    keyKind: 'venue-symbol',
    venue: 'venue-a',
    symbol,
    eventTime,
    detector: 'burst-rule',
    score,
    severity: score >= 0.99 ? 'critical' : 'warning',
    message: `${symbol}: test alert ${n}`,
    topFeatures: [{ feature: 'trade_intensity', value: 20 + n, contribution: 5 }],
    triggeringEventIds: [`ev-${n}`],
  };
}

/** A policy HALT of `vs:venue-a:SOLUSDT`, applied to the runtime's engine as the pipeline would. */
export function policyHalt(rt: EmbeddedRuntime, sequence = 3): Command {
  const command: Command = {
    schemaVersion: SCHEMA_VERSION,
    commandId: `cmd-halt-${sequence}`,
    sequence,
    action: 'HALT',
    scope: { level: 'venue-symbol', key: 'vs:venue-a:SOLUSDT', venue: 'venue-a', symbol: 'SOLUSDT' },
    eventTime: Date.now(),
    issuedAt: Date.now(),
    expiresAt: Date.now() + 60_000,
    reason: { code: 'SCORE_THRESHOLD', text: 'halted SOLUSDT on venue-a' },
  };
  const ack = rt.engine.apply(command);
  rt.commands.write([command]);
  rt.acks.write([{ ack, delivery: { command, arrivalMs: performance.now() }, latencyMs: 0.1 }]);
  return command;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test responses are checked field by field
type Json = any;

/** A plain HTTP call; the body is sent as given (string) or as JSON. */
export function call(
  url: string,
  o: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: () => Json;
}> {
  return new Promise((resolve, reject) => {
    const body =
      o.body === undefined ? undefined : typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
    const req = request(
      url,
      {
        method: o.method ?? (body === undefined ? 'GET' : 'POST'),
        headers: {
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(o.token ? { authorization: `Bearer ${o.token}` } : {}),
          ...o.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
        });
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}
