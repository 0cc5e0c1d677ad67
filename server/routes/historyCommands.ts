import { HistoryQuery } from '../historyStore.ts';
import { validate } from '../readBody.ts';
import type { Route } from '../route.ts';

/** History of commands between two instants, filtered and paged, newest first. */
export const historyCommandsRoute: Route = {
  method: 'GET',
  path: '/api/history/commands',
  access: 'viewer',
  summary: 'history of commands',
  async handle(ctx) {
    const q = validate(HistoryQuery, Object.fromEntries(ctx.url.searchParams), 'query');
    ctx.json(200, await ctx.deps.history.queryCommands(q));
  },
};
