import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { RequestContext, Route } from '../route.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

// The page is a handful of small files: read once and served from memory. Only these names can
// ever be served: nothing from the URL reaches the file system.
const dir = join(import.meta.dirname, '..', 'web');
const files = new Map(
  readdirSync(dir)
    .filter((f) => TYPES[extname(f)])
    .map((f) => [f, { body: readFileSync(join(dir, f)), type: TYPES[extname(f)]! }]),
);

function serve(ctx: RequestContext, name: string): void {
  const file = files.get(name);
  if (!file) {
    ctx.json(404, { error: { code: 'not_found', message: `no such resource: ${ctx.url.pathname}` } });
    return;
  }
  ctx.res.writeHead(200, {
    'content-type': file.type,
    'content-length': file.body.length,
    'cache-control': 'no-cache',
  });
  ctx.res.end(file.body);
}

/** The risk-desk page. */
export const indexRoute: Route = {
  method: 'GET',
  path: '/',
  access: 'public',
  summary: 'the risk-desk page',
  handle: (ctx) => serve(ctx, 'index.html'),
};

/** The page's scripts and styles. */
export const assetsRoute: Route = {
  method: 'GET',
  path: '/web/*',
  access: 'public',
  summary: 'page assets',
  handle: (ctx) => serve(ctx, ctx.url.pathname.slice('/web/'.length)),
};
