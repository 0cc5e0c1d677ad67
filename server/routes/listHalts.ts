import type { Route } from '../route.ts';

/** Restrictions in force: halts, reduce-only and throttles, by scope. */
export const listHaltsRoute: Route = {
  method: 'GET',
  path: '/api/halts',
  access: 'viewer',
  summary: 'active halts',
  async handle(ctx) {
    const items = [...(await ctx.deps.halts.active())].sort((a, b) => a.scope.key.localeCompare(b.scope.key));
    ctx.json(200, { items });
  },
};
