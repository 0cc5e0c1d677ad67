import { HistoryQuery } from '../historyStore.ts';
import { validate } from '../readBody.ts';
import type { Route } from '../route.ts';

/** History of anomalies between two instants, filtered and paged, newest first. */
export const historyAnomaliesRoute: Route = {
  method: 'GET',
  path: '/api/history/anomalies',
  access: 'viewer',
  summary: 'history of anomalies',
  async handle(ctx) {
    const q = validate(HistoryQuery, Object.fromEntries(ctx.url.searchParams), 'query');
    ctx.json(200, await ctx.deps.history.queryAnomalies(q));
  },
};
