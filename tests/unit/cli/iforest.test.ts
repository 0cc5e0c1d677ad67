import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { iforestCommand } from '../../../cli/commands/iforest.ts';
import { ConfigError, DataError } from '../../../core/errors.ts';
import { createRng } from '../../../core/rng.ts';

const dir = mkdtempSync(join(tmpdir(), 'iforest-cli-'));
const rng = createRng(3);
const rows = Array.from({ length: 500 }, (_, i) => [rng.normal(), rng.normal(), i === 7 ? 1 : 0]);
rows[7] = [9, -9, 1];
const csv = ['a,b,label', ...rows.map((r) => r.join(','))].join('\n');
const fit = join(dir, 'fit.csv.gz');
writeFileSync(fit, gzipSync(csv));

describe('iforest command - fit one CSV, score another', () => {
  it('writes one score per input row, in order, under a score header; the outlier scores highest', async () => {
    // Columns in another order, label ignored: matched by name.
    const score = join(dir, 'score.csv');
    writeFileSync(score, ['label,b,a', ...rows.map((r) => `${r[2]},${r[1]},${r[0]}`)].join('\n'));
    const out = join(dir, 'scores.csv');
    expect(
      await iforestCommand.run([
        '--fit',
        fit,
        '--score',
        score,
        '--out',
        out,
        '--seed',
        '4',
        '--trees',
        '50',
      ]),
    ).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('score');
    const scores = lines.slice(1).map(Number);
    expect(scores).toHaveLength(500);
    expect(scores.indexOf(Math.max(...scores))).toBe(7);
    const again = join(dir, 'again.csv');
    await iforestCommand.run(['--fit', fit, '--score', fit, '--out', again, '--seed', '4', '--trees', '50']);
    expect(readFileSync(again, 'utf8')).toBe(readFileSync(out, 'utf8'));
  });

  it('names the row and column of a cell that is not a number', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'a,b\n1,2\n3,oops\n');
    await expect(
      iforestCommand.run(['--fit', fit, '--score', bad, '--out', join(dir, 'x.csv')]),
    ).rejects.toThrow(/line 3 \(data row 2\), column 'b': 'oops' is not a number/);
  });

  it('explains usage errors and column mismatches', async () => {
    await expect(iforestCommand.run(['--fit', fit])).rejects.toThrow(ConfigError);
    await expect(
      iforestCommand.run(['--fit', fit, '--score', fit, '--out', 'o', '--trees', '0']),
    ).rejects.toThrow(/--trees must be an integer >= 1/);
    const other = join(dir, 'other.csv');
    writeFileSync(other, 'a,c\n1,2\n');
    await expect(
      iforestCommand.run(['--fit', fit, '--score', other, '--out', join(dir, 'y.csv')]),
    ).rejects.toThrow(DataError);
  });
});
