import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { AccessConfig } from './accessConfig.ts';
import { HttpError } from './httpError.ts';
import type { Principal, Role } from './roles.ts';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * Resolves a request's bearer token to a principal. Tokens are compared as SHA-256 digests with
 * `timingSafeEqual`, against every configured token without stopping at a match, so the time taken
 * says nothing about how much of a guess was right or which entry matched.
 */
export function authenticator(
  config: AccessConfig,
): (req: IncomingMessage, queryToken?: string) => Principal {
  const known = config.tokens.map((t) => ({ user: t.user, role: t.role, hash: digest(t.token) }));
  const anonymous: Principal = {
    user: 'anonymous',
    role: config.anonymous === 'viewer' ? 'viewer' : undefined,
    authenticated: false,
  };
  return (req, queryToken) => {
    const header = req.headers.authorization;
    let token: string | undefined;
    if (header !== undefined) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!m)
        throw new HttpError(401, 'unauthorized', 'Authorization must be "Bearer <token>"', undefined, {
          'www-authenticate': 'Bearer',
        });
      token = m[1];
    } else token = queryToken;
    if (token === undefined || token === '') return anonymous;
    const hash = digest(token);
    let match: { user: string; role: Role } | undefined;
    for (const k of known) if (timingSafeEqual(hash, k.hash) && !match) match = k;
    if (!match)
      throw new HttpError(401, 'unauthorized', 'unknown or revoked token', undefined, {
        'www-authenticate': 'Bearer error="invalid_token"',
      });
    return { user: match.user, role: match.role, authenticated: true };
  };
}
