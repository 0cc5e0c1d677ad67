import { z } from 'zod';
import { HttpError } from '../httpError.ts';
import { validate } from '../readBody.ts';
import type { Route } from '../route.ts';

const Query = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) });

/** The latest audit entries, for admins. */
export const auditTrailRoute: Route = {
  method: 'GET',
  path: '/api/audit',
  access: 'admin',
  summary: 'recent audit entries',
  async handle(ctx) {
    const { limit } = validate(Query, Object.fromEntries(ctx.url.searchParams), 'query');
    if (!ctx.deps.audit.recent)
      throw new HttpError(
        501,
        'not_implemented',
        'this audit trail is write-only here: read it with the audit tools',
      );
    ctx.json(200, { items: await ctx.deps.audit.recent(limit) });
  },
};
