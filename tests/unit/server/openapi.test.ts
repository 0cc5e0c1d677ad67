import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { routes } from '../../../server/routes/index.ts';

const doc = JSON.parse(readFileSync(join(import.meta.dirname, '../../../server/openapi.json'), 'utf8'));
const documented = (path: string) => path.replace(/\/\*$/, '/{file}');

describe('server - OpenAPI document', () => {
  it('describes every route, and nothing the server does not serve', () => {
    const served = routes.map((r) => `${r.method} ${documented(r.path)}`).sort();
    const described = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
      .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`))
      .sort();
    expect(described).toEqual(served);
  });

  it('marks the routes that need a token, and every $ref resolves', () => {
    for (const r of routes) {
      const op = doc.paths[documented(r.path)][r.method.toLowerCase()];
      if (r.access === 'public') expect(op.security, r.path).toEqual([]);
      else expect(JSON.stringify(op.security ?? doc.security), r.path).toContain('bearer');
    }
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/(\w+)\/(\w+)"/g)];
    expect(refs.length).toBeGreaterThan(10);
    for (const [, kind, name] of refs) expect(doc.components[kind!][name!], `${kind}/${name}`).toBeDefined();
  });
});
