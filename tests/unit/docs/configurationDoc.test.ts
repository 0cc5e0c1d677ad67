import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Config } from '../../../schemas/config.ts';

/** Dotted paths of every leaf of a parsed default configuration. */
function leaves(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => leaves(v, prefix ? `${prefix}.${k}` : k));
}

describe('docs - configuration reference', () => {
  it('names every configuration field the schema has', () => {
    const doc = readFileSync(join(import.meta.dirname, '..', '..', '..', 'docs', 'configuration.md'), 'utf8');
    const missing = leaves(Config.parse({})).filter((path) => !doc.includes(`\`${path}\``));
    expect(missing).toEqual([]);
  });
});

describe('deploy - example configuration', () => {
  it('deploy/flowguard.json (read by docker-compose) is a valid configuration', async () => {
    const { loadConfig } = await import('../../../core/loadConfig.ts');
    const config = loadConfig(join(import.meta.dirname, '..', '..', '..', 'deploy', 'flowguard.json'), {});
    expect(config.kafka.groupId).toBe('flowguard-pipeline');
  });
});
