import { renderMetrics } from '../../core/metrics.ts';
import type { Route } from '../route.ts';

/** Prometheus metrics of the process (core/metrics.ts). */
export const metricsRoute: Route = {
  method: 'GET',
  path: '/metrics',
  access: 'viewer',
  summary: 'Prometheus metrics',
  async handle(ctx) {
    const { contentType, body } = await renderMetrics();
    ctx.res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
    ctx.res.end(body);
  },
};
