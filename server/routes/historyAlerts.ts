import { HistoryQuery } from '../historyStore.ts';
import { validate } from '../readBody.ts';
import type { Route } from '../route.ts';

/** History of alerts between two instants, filtered and paged, newest first. */
export const historyAlertsRoute: Route = {
  method: 'GET',
  path: '/api/history/alerts',
  access: 'viewer',
  summary: 'history of alerts',
  async handle(ctx) {
    const q = validate(HistoryQuery, Object.fromEntries(ctx.url.searchParams), 'query');
    ctx.json(200, await ctx.deps.history.queryAlerts(q));
  },
};
