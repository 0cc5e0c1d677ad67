import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Route } from '../route.ts';

const document = readFileSync(join(import.meta.dirname, '..', 'openapi.json'), 'utf8');

/** The OpenAPI document of this API. */
export const openapiRoute: Route = {
  method: 'GET',
  path: '/api/openapi.json',
  access: 'public',
  summary: 'OpenAPI document',
  handle(ctx) {
    ctx.res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-cache',
    });
    ctx.res.end(document);
  },
};
