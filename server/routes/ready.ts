import type { Route } from '../route.ts';

/** Readiness: every check (pipeline running, history store reachable, …) passes. */
export const readyRoute: Route = {
  method: 'GET',
  path: '/readyz',
  access: 'public',
  summary: 'readiness',
  async handle(ctx) {
    const checks: Record<string, boolean> = { ...(await ctx.deps.readiness?.()) };
    if (ctx.deps.history.ping) checks.history = await ctx.deps.history.ping().catch(() => false);
    const ready = Object.values(checks).every(Boolean);
    ctx.json(ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', checks });
  },
};
