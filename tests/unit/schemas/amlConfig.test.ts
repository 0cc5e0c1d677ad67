import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../core/errors.ts';
import { loadConfig } from '../../../core/loadConfig.ts';
import { openRiskLists } from '../../../pipelines/riskLists.ts';
import { Config } from '../../../schemas/config.ts';
import { amlFixture, EXCHANGE, SANCTIONED } from '../../support/amlFixture.ts';

const issues = (raw: unknown) => {
  const r = Config.safeParse(raw);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('configuration - aml', () => {
  it('defaults to no lists, reloaded every minute when there are', () => {
    expect(Config.parse({}).aml).toEqual({ refreshMs: 60_000, graphMaxNodes: 200_000 });
    expect(Config.parse({ aml: { dir: '/x', refreshMs: 0 } }).aml).toMatchObject({
      dir: '/x',
      refreshMs: 0,
      graphMaxNodes: 200_000,
    });
  });

  it('names the wrong field and says what to do', () => {
    expect(issues({ aml: { dir: 3 } })).toEqual([
      'aml.dir: aml.dir must be a path to the folder of risk lists, e.g. "../shared/aml"',
    ]);
    expect(issues({ aml: { dir: '' } })[0]).toMatch(/^aml.dir: .*leave it out for no lists/);
    expect(issues({ aml: { refreshMs: -1 } })[0]).toMatch(/^aml.refreshMs: .*0 \(load at start only\)/);
    expect(issues({ aml: { refreshMs: 1.5 } })[0]).toMatch(/^aml.refreshMs: .*whole number/);
    expect(issues({ aml: { folder: 'x' } })[0]).toMatch(
      /unknown field\(s\) 'folder': aml has only 'dir', 'refreshMs' and 'graphMaxNodes'/,
    );
    expect(issues({ aml: { graphMaxNodes: 1 } })[0]).toMatch(/^aml.graphMaxNodes: .*at least 2/);
    expect(issues({ aml: 'x' })[0]).toMatch(/^aml: aml must be an object/);
  });

  it('FLOWGUARD_AML_DIR sets aml.dir over the file', () => {
    expect(loadConfig(undefined, { FLOWGUARD_AML_DIR: '/lists' }).aml.dir).toBe('/lists');
  });
});

describe('risk lists - loading at start', () => {
  it('loads the configured folder; none configured is an empty book', async () => {
    const lists = await openRiskLists({ dir: amlFixture(), refreshMs: 0, graphMaxNodes: 200_000 });
    expect(lists.book.listedCount).toBe(2);
    expect(lists.book.isFlagged(SANCTIONED)).toBe(true);
    expect(lists.book.isExchange(EXCHANGE)).toBe(true);
    const none = await openRiskLists({ refreshMs: 60_000, graphMaxNodes: 200_000 }, { watch: true });
    expect(none.book.listedCount).toBe(0);
    expect(none.dir).toBeUndefined();
  });

  it.each([false, true])(
    'a missing folder or list file is a ConfigError naming aml.dir (watch %s)',
    async (watch) => {
      await expect(
        openRiskLists({ dir: '/no/such/aml', refreshMs: 1000, graphMaxNodes: 200_000 }, { watch }),
      ).rejects.toThrow(/aml.dir '\/no\/such\/aml': ENOENT/);
      const dir = amlFixture();
      rmSync(join(dir, 'forta', 'phishing_scams.csv'));
      const err = await openRiskLists({ dir, refreshMs: 1000, graphMaxNodes: 200_000 }, { watch }).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toMatch(/aml.dir '.*': .*phishing_scams.csv/);
    },
  );

  it('lists without a single address are refused', async () => {
    const dir = amlFixture();
    rmSync(join(dir, 'ofac', 'sanctioned_addresses_ETH.txt'));
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'etherscan', 'combinedAllLabels.json'), '{}');
    await expect(openRiskLists({ dir, refreshMs: 0, graphMaxNodes: 200_000 })).rejects.toThrow(
      /the lists hold no address/,
    );
  });
});
