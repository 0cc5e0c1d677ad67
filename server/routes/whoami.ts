import type { Route } from '../route.ts';

/** Who the token belongs to and what it may do, so the page can show or hide controls. */
export const whoamiRoute: Route = {
  method: 'GET',
  path: '/api/whoami',
  access: 'viewer',
  summary: 'the caller and its role',
  handle(ctx) {
    const p = ctx.principal;
    ctx.json(200, {
      user: p.user,
      role: p.role ?? null,
      authenticated: p.authenticated,
      mode: ctx.deps.mode ?? 'embedded',
      policy: { alertAt: ctx.deps.policy.alertAt, haltAt: ctx.deps.policy.haltAt },
    });
  },
};
