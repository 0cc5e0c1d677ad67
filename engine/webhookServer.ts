import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ServiceError } from '../core/errors.ts';
import { handleCommand } from './handleCommand.ts';
import type { ReferenceEngine } from './referenceEngine.ts';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, signedHeaders, verifySignature } from './webhookSignature.ts';

export interface WebhookServerOptions {
  readonly engine: ReferenceEngine;
  /** HMAC-SHA256 key shared with flowguard. */
  readonly secret: string;
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  readonly path?: string;
  readonly maxSkewMs?: number;
  readonly bodyLimit?: number;
  /** Wall clock for signatures, epoch ms. */
  readonly now?: () => number;
  /** Messages that could not be answered (not JSON, or invalid without a commandId). */
  readonly onDeadLetter?: (d: { reason: string; issues: readonly string[]; body: string }) => void;
}

export interface WebhookServer {
  readonly url: string;
  close(): Promise<void>;
}

const json = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  res.end(body);
};

function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        resolve(null);
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * The engine's HTTP webhook for engines without Kafka: `POST {path}` takes one command as JSON,
 * signed (HMAC-SHA256 over timestamp and body, docs/engine-protocol.md), applies it once and
 * answers 200 with the signed acknowledgement, APPLIED, REJECTED or DUPLICATE alike. A bad or stale
 * signature gets 401, a message that cannot be answered 400, and nothing reaches the engine.
 * `GET /healthz` reports the engine id and its safe mode.
 */
export async function startWebhookServer(o: WebhookServerOptions): Promise<WebhookServer> {
  const {
    engine,
    secret,
    path = '/commands',
    maxSkewMs = 30_000,
    bodyLimit = 256 * 1024,
    now = Date.now,
  } = o;
  if (!secret)
    throw new ServiceError('the webhook secret is empty: set one, it authenticates every command', {
      retriable: false,
    });
  const server = createServer((req, res) => {
    const url = (req.url ?? '/').split('?')[0];
    if (url === '/healthz' && req.method === 'GET')
      return json(res, 200, JSON.stringify({ engineId: engine.engineId, safeMode: engine.safeMode }));
    if (url !== path)
      return json(res, 404, JSON.stringify({ error: `no such path; commands go to POST ${path}` }));
    if (req.method !== 'POST')
      return json(res, 405, JSON.stringify({ error: 'use POST' }), { allow: 'POST' });
    readBody(req, bodyLimit).then(
      (body) => {
        if (body === null)
          return json(res, 413, JSON.stringify({ error: `body larger than ${bodyLimit} bytes` }));
        const bad = verifySignature(
          secret,
          body,
          req.headers[TIMESTAMP_HEADER] as string | undefined,
          req.headers[SIGNATURE_HEADER] as string | undefined,
          now(),
          maxSkewMs,
        );
        if (bad) return json(res, 401, JSON.stringify({ error: `unauthenticated: ${bad}` }));
        const handled = handleCommand(engine, body, now);
        if ('deadLetter' in handled) {
          o.onDeadLetter?.({ ...handled.deadLetter, body });
          return json(
            res,
            400,
            JSON.stringify({ error: handled.deadLetter.reason, issues: handled.deadLetter.issues }),
          );
        }
        const out = JSON.stringify(handled.ack);
        json(res, 200, out, signedHeaders(secret, out, now()));
      },
      () => json(res, 400, JSON.stringify({ error: 'could not read the body' })),
    );
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) =>
      reject(new ServiceError(`webhook server cannot listen: ${err.message}`, { cause: err })),
    );
    server.listen(o.port ?? 0, o.host ?? '127.0.0.1', resolve);
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${host}:${addr.port}${path}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
