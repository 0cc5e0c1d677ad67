import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { featuresCommand } from '../../../cli/commands/features.ts';
import { catalogue } from '../../../features/catalogue.ts';
import { catalogueMarkdown } from '../../../features/catalogueMarkdown.ts';

async function stdoutOf(argv: string[]): Promise<string> {
  const chunks: string[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => {
    chunks.push(String(c));
    return true;
  });
  const log = vi
    .spyOn(console, 'log')
    .mockImplementation((...a: unknown[]) => void chunks.push(a.join(' ') + '\n'));
  try {
    expect(await featuresCommand.run(argv)).toBe(0);
  } finally {
    write.mockRestore();
    log.mockRestore();
  }
  return chunks.join('');
}

describe('features catalogue - generated from the code', () => {
  it('has at least 20 features across the three families, with unique names', () => {
    const c = catalogue();
    expect(c.count).toBeGreaterThanOrEqual(20);
    expect(c.families['order-flow']).toBeGreaterThan(0);
    expect(c.families['cross-asset']).toBeGreaterThan(0);
    expect(c.families['on-chain']).toBeGreaterThan(0);
    expect(new Set(c.features.map((f) => f.name)).size).toBe(c.count);
  });

  it('`flowguard features --json` prints the catalogue as one JSON object', async () => {
    const out = await stdoutOf(['--json']);
    const json = JSON.parse(out) as ReturnType<typeof catalogue>;
    expect(json).toEqual(JSON.parse(JSON.stringify(catalogue())));
    for (const f of json.features)
      for (const k of ['formula', 'window', 'unit', 'keyKind', 'reveals'] as const)
        expect(f[k], `${f.name}.${k}`).toBeTruthy();
  });

  it('docs/features.md is the generated Markdown (regenerate with `flowguard features --markdown`)', async () => {
    const doc = readFileSync(join(import.meta.dirname, '../../../docs/features.md'), 'utf8');
    expect(doc).toBe(catalogueMarkdown(catalogue()));
    expect(await stdoutOf(['--markdown'])).toBe(doc);
  });

  it('prints a table by default and rejects an unknown family', async () => {
    expect(await stdoutOf(['--family', 'on-chain'])).toMatch(/address_risk/);
    await expect(featuresCommand.run(['--family', 'x'])).rejects.toThrow(/--family must be one of/);
  });
});
