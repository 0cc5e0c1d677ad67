import type { Route } from '../route.ts';

/** Liveness: the process serves requests. */
export const healthRoute: Route = {
  method: 'GET',
  path: '/healthz',
  access: 'public',
  summary: 'liveness',
  handle(ctx) {
    ctx.json(200, { status: 'ok' });
  },
};
