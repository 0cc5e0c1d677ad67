import { z } from 'zod';
import { issueManual, RequestId, requireRoleForScope, Why } from '../issueManual.ts';
import type { Route } from '../route.ts';
import { ScopeInput, toScope } from '../scopeInput.ts';

const HaltBody = z.strictObject({
  scope: ScopeInput,
  action: z.enum(['HALT', 'REDUCE_ONLY', 'THROTTLE']).default('HALT'),
  /** Throttle factor or reduce-only fraction; the policy's setting when left out. */
  magnitude: z.number().min(0).max(1).optional(),
  why: Why,
  requestId: RequestId.optional(),
});

const describe = (body: unknown) => {
  const r = HaltBody.safeParse(body);
  if (r.success) return { target: toScope(r.data.scope).key, why: r.data.why };
  const why = (body as { why?: unknown } | null)?.why;
  return typeof why === 'string' ? { why: why.slice(0, 500) } : {};
};

/** Manual halt (or reduce-only, throttle) of a scope by an operator. */
export const createHaltRoute: Route = {
  method: 'POST',
  path: '/api/halts',
  access: 'operator',
  audited: { action: 'halt', describe },
  summary: 'manual halt',
  async handle(ctx) {
    const body = await ctx.body(HaltBody);
    const scope = toScope(body.scope);
    ctx.note.target = scope.key;
    ctx.note.why = body.why;
    requireRoleForScope(ctx, scope);
    const p = ctx.deps.policy;
    const magnitude =
      body.action === 'HALT'
        ? undefined
        : (body.magnitude ?? (body.action === 'THROTTLE' ? p.throttleFactor : p.reduceFraction));
    await issueManual(ctx, {
      action: body.action,
      scope,
      why: body.why,
      requestId: body.requestId,
      ...(magnitude !== undefined ? { magnitude } : {}),
    });
  },
};
