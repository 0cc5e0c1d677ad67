import { z } from 'zod';
import type { Scope } from '../../schemas/command.ts';
import { HttpError } from '../httpError.ts';
import { issueManual, RequestId, requireRoleForScope, Why } from '../issueManual.ts';
import type { Route } from '../route.ts';
import { ScopeInput, toScope } from '../scopeInput.ts';

const ResumeBody = z
  .strictObject({
    /** The key of a restriction in force, as GET /api/halts lists it. */
    key: z.string().min(1).max(256).optional(),
    /** Or the scope itself, to resume one this server does not see as restricted. */
    scope: ScopeInput.optional(),
    why: Why,
    requestId: RequestId.optional(),
  })
  .refine((b) => (b.key === undefined) !== (b.scope === undefined), {
    message: 'give either key (of an active restriction) or scope, not both',
    path: ['key'],
  });

const describe = (body: unknown) => {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const scope = ScopeInput.safeParse(b.scope);
  return {
    ...(typeof b.key === 'string'
      ? { target: b.key.slice(0, 256) }
      : scope.success
        ? { target: toScope(scope.data).key }
        : {}),
    ...(typeof b.why === 'string' ? { why: b.why.slice(0, 500) } : {}),
  };
};

/** Manual resume of a halted (or restricted) scope by an operator. */
export const resumeRoute: Route = {
  method: 'POST',
  path: '/api/halts/resume',
  access: 'operator',
  audited: { action: 'resume', describe },
  summary: 'manual resume',
  async handle(ctx) {
    const body = await ctx.body(ResumeBody);
    ctx.note.why = body.why;
    let scope: Scope;
    if (body.key !== undefined) {
      ctx.note.target = body.key;
      const active = (await ctx.deps.halts.active()).find((r) => r.scope.key === body.key);
      if (!active)
        throw new HttpError(
          404,
          'not_found',
          `no restriction is in force on '${body.key}': GET /api/halts lists them; pass scope to resume anyway`,
        );
      scope = active.scope;
    } else scope = toScope(body.scope!);
    ctx.note.target = scope.key;
    requireRoleForScope(ctx, scope);
    await issueManual(ctx, { action: 'RESUME', scope, why: body.why, requestId: body.requestId });
  },
};
