import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../../core/errors.ts';
import { readNumericCsv } from '../../../core/numericCsv.ts';

const dir = mkdtempSync(join(tmpdir(), 'numeric-csv-'));
const file = (name: string, content: string | Buffer): string => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};

describe('numericCsv - reading numeric tables', () => {
  it('reads a header and rows into one row-major matrix', async () => {
    const t = await readNumericCsv(file('a.csv', 'x,y\n1,2.5\n-3e2,0\n'));
    expect(t.columns).toEqual(['x', 'y']);
    expect(t.rows).toBe(2);
    expect(Array.from(t.data)).toEqual([1, 2.5, -300, 0]);
  });

  it('drops ignored columns without parsing them, whatever their case', async () => {
    const t = await readNumericCsv(file('b.csv', 'f0,Label,f1\n1,anomaly,2\n3,normal,4\n'), {
      ignore: ['label'],
    });
    expect(t.columns).toEqual(['f0', 'f1']);
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4]);
  });

  it('reads gzip by name and by magic bytes; CRLF, quotes, BOM and blank lines are fine', async () => {
    const text = '\uFEFF"a","b"\r\n1,"2"\r\n\r\n3,4\r\n';
    for (const name of ['c.csv.gz', 'c-gzipped-without-suffix.csv']) {
      const t = await readNumericCsv(file(name, gzipSync(text)));
      expect(t.columns).toEqual(['a', 'b']);
      expect(Array.from(t.data)).toEqual([1, 2, 3, 4]);
    }
  });

  it('reads empty cells and NaN as missing values', async () => {
    const t = await readNumericCsv(file('d.csv', 'a,b,c\n,NaN,1\n2, ,nan\n'));
    expect(Array.from(t.data)).toEqual([NaN, NaN, 1, 2, NaN, NaN]);
  });

  it('names the file, line, row and column of a cell that is not a number', async () => {
    const p = file('e.csv', 'a,b\n1,2\n3,x7\n');
    await expect(readNumericCsv(p)).rejects.toThrow(DataError);
    await expect(readNumericCsv(p)).rejects.toThrow(
      `${p} line 3 (data row 2), column 'b': 'x7' is not a number.`,
    );
  });

  it('rejects rows with the wrong number of fields, a missing file and an empty file', async () => {
    await expect(readNumericCsv(file('f.csv', 'a,b\n1,2,3\n'))).rejects.toThrow(
      /line 2: 3 fields, the header has 2/,
    );
    await expect(readNumericCsv(join(dir, 'nope.csv'))).rejects.toThrow(/cannot read/);
    await expect(readNumericCsv(file('g.csv', ''))).rejects.toThrow(/empty/);
  });

  it('reads a large file across stream chunks', async () => {
    const lines = ['a,b,c'];
    for (let i = 0; i < 50_000; i++) lines.push(`${i},${i * 0.5},${-i}`);
    const t = await readNumericCsv(file('big.csv.gz', gzipSync(lines.join('\n'))));
    expect(t.rows).toBe(50_000);
    expect(t.data[3 * 49_999 + 1]).toBe(49_999 * 0.5);
  });
});
