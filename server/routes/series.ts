import { z } from 'zod';
import { validate } from '../readBody.ts';
import type { Route } from '../route.ts';

const SeriesQuery = z.object({
  key: z.string().min(1).max(256).optional(),
  since: z.coerce.number().int().nonnegative().default(0),
});

/** Price and anomaly score of a key for the chart; without `key`, the keys there are. */
export const seriesRoute: Route = {
  method: 'GET',
  path: '/api/series',
  access: 'viewer',
  summary: 'chart series',
  handle(ctx) {
    const q = validate(SeriesQuery, Object.fromEntries(ctx.url.searchParams), 'query');
    const series = ctx.deps.series;
    if (q.key === undefined) ctx.json(200, { keys: series?.keys() ?? [] });
    else ctx.json(200, { key: q.key, points: series?.points(q.key, q.since) ?? [] });
  },
};
