import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { lastValueFrom, map, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { fileLines } from '../../../../pipelines/sources/fileLines.ts';
import { lineBatches } from '../../../../pipelines/sources/lineBatches.ts';

const dir = mkdtempSync(join(tmpdir(), 'flowguard-lines-'));

async function batched(path: string): Promise<string[]> {
  const out: string[] = [];
  for await (const b of lineBatches(path)) out.push(...b);
  return out;
}
const readline = (path: string) =>
  lastValueFrom(
    fileLines(path).pipe(
      map((r) => r.bytes),
      toArray(),
    ),
  );

describe('lineBatches - the lines node:readline gives', () => {
  // Long enough to span many chunks, so line ends and multi-byte characters fall on chunk borders.
  const body =
    Array.from({ length: 20_000 }, (_, i) => `${i} prix €${i % 97} ${'x'.repeat(i % 13)}`).join('\r\n') +
    '\nlone\rcarriage\r\n\nlast line without end';

  it('plain and gzipped files, CRLF, lone CR, empty lines and a last line without a line break', async () => {
    const plain = join(dir, 'plain.txt');
    const gz = join(dir, 'lines.gz');
    writeFileSync(plain, body);
    writeFileSync(gz, gzipSync(body));
    const expected = await readline(plain);
    expect(expected.length).toBe(20_004);
    expect(await batched(plain)).toEqual(expected);
    expect(await batched(gz)).toEqual(expected);
  });

  it('no empty line after a final line break; an empty file has no lines', async () => {
    const p = join(dir, 'ends.txt');
    writeFileSync(p, 'a\nb\n');
    expect(await batched(p)).toEqual(['a', 'b']);
    expect(await batched(p)).toEqual(await readline(p));
    const e = join(dir, 'empty.txt');
    writeFileSync(e, '');
    expect(await batched(e)).toEqual([]);
  });
});
