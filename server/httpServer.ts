import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { countHttpRequest } from '../core/metrics.ts';
import { authenticator } from './authenticate.ts';
import type { AuditEntry } from './audit.ts';
import type { RiskDeskDeps } from './deps.ts';
import { HttpError } from './httpError.ts';
import { DEFAULT_BODY_LIMIT, readJson, validate } from './readBody.ts';
import { allows, type Principal } from './roles.ts';
import { SECURITY_HEADERS } from './securityHeaders.ts';
import type { AuditNote, RequestContext, Route } from './route.ts';

function findRoute(routes: readonly Route[], method: string, path: string): Route | 'method' | undefined {
  let pathMatched = false;
  for (const r of routes) {
    const hit = r.path.endsWith('/*') ? path.startsWith(r.path.slice(0, -1)) : r.path === path;
    if (!hit) continue;
    if (r.method === method || (method === 'HEAD' && r.method === 'GET')) return r;
    pathMatched = true;
  }
  return pathMatched ? 'method' : undefined;
}

function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

/**
 * The risk desk's node:http server: routing, authentication and role checks, the audit of every
 * mutating call (refusals included), JSON errors that never carry internals, security headers.
 */
export function riskDeskServer(deps: RiskDeskDeps, routes: readonly Route[]): Server {
  const authenticate = authenticator(deps.access);
  const log = deps.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const now = deps.now ?? Date.now;
  const limit = deps.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const anonymous: Principal = { user: 'anonymous', role: undefined, authenticated: false };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    res.setHeader('x-request-id', requestId);
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://desk.invalid');
    } catch {
      sendJson(res, 400, { error: { code: 'bad_request', message: 'malformed URL' } });
      return;
    }
    const found = findRoute(routes, req.method ?? 'GET', url.pathname);
    if (found === undefined || found === 'method') {
      const [status, code, message] =
        found === 'method'
          ? [405, 'method_not_allowed', `${req.method} is not allowed on ${url.pathname}`]
          : [404, 'not_found', `no such resource: ${url.pathname}`];
      countHttpRequest('unmatched', status);
      sendJson(res, status, { error: { code, message } });
      return;
    }
    const route = found;
    const note: AuditNote = {};
    let principal = anonymous;
    let bodyRead = false;
    let bodyValue: unknown;
    let audited = false;
    const readBody = async () => {
      if (!bodyRead) {
        bodyRead = true;
        bodyValue = await readJson(req, limit);
      }
      return bodyValue;
    };
    const audit = async (outcome: AuditEntry['outcome'], status: number) => {
      audited = true;
      await deps.audit.record({
        at: now(),
        user: principal.user,
        role: principal.authenticated ? (principal.role ?? 'none') : 'anonymous',
        action: route.audited?.action ?? route.path,
        ...(note.target !== undefined ? { target: note.target } : {}),
        ...(note.why !== undefined ? { why: note.why } : {}),
        ...(note.commandId !== undefined ? { commandId: note.commandId } : {}),
        outcome,
        status,
        ...(req.socket.remoteAddress ? { remote: req.socket.remoteAddress } : {}),
        requestId,
      });
    };
    const ctx: RequestContext = {
      req,
      res,
      url,
      get principal() {
        return principal;
      },
      deps,
      requestId,
      note,
      body: async (schema) => validate(schema, await readBody()),
      json: (status, value, headers) => sendJson(res, status, value, headers),
      audit,
    };
    try {
      if (route.access !== 'public') {
        principal = { ...anonymous, user: 'unknown-token' };
        principal = authenticate(
          req,
          route.queryToken ? (url.searchParams.get('access_token') ?? undefined) : undefined,
        );
        if (!allows(principal, route.access)) {
          if (!principal.authenticated)
            throw new HttpError(
              401,
              'unauthorized',
              `this needs a token with the ${route.access} role: send Authorization: Bearer <token>`,
              undefined,
              {
                'www-authenticate': 'Bearer',
              },
            );
          throw new HttpError(
            403,
            'forbidden',
            `${principal.user} is a ${principal.role}; this needs the ${route.access} role`,
          );
        }
      }
      await route.handle(ctx);
      countHttpRequest(route.path, res.statusCode);
    } catch (err) {
      const known = err instanceof HttpError ? err : undefined;
      const status = known?.status ?? 500;
      if (!known)
        log(
          `risk desk: ${req.method} ${url.pathname} failed (request ${requestId}): ${(err as Error)?.stack ?? String(err)}`,
        );
      if (route.audited && (!audited || status >= 500)) {
        if (status === 401 || status === 403) {
          // The refused body is read (within the limit) only to name what was attempted.
          try {
            Object.assign(note, route.audited.describe(await readBody()), note);
          } catch {
            /* an unreadable body leaves the entry without a target */
          }
        }
        const outcome = status === 401 || status === 403 ? 'refused' : status >= 500 ? 'failed' : 'invalid';
        try {
          await audit(outcome, status);
        } catch (auditErr) {
          log(`risk desk: audit trail refused an entry (request ${requestId}): ${String(auditErr)}`);
        }
      }
      countHttpRequest(route.path, status);
      const headers: Record<string, string> = { ...(known?.headers ?? {}) };
      // The rest of an oversized body is not read: close rather than leave it in the socket.
      if (status === 413) headers.connection = 'close';
      sendJson(
        res,
        status,
        known
          ? { error: { code: known.code, message: known.message, ...known.details } }
          : {
              error: {
                code: 'internal',
                message: `internal error; quote request ${requestId} to the operators`,
              },
            },
        headers,
      );
    }
  }

  return createServer((req, res) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    void handle(req, res);
  });
}
