/**
 * A small reader for numeric CSV files: a header row, then one number per cell. Gzipped files are
 * recognised by a `.gz` name or by their magic bytes and decompressed as they stream in; cells go
 * straight into one growing row-major Float64Array, so no per-row objects are ever built.
 *
 * An empty cell, or `NaN` in any case, is a missing value (NaN). Anything else that is not a
 * number is an error naming the file, line, row and column. Fields may be wrapped in double quotes
 * but may not contain commas; lines may end in CRLF; blank lines are skipped.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { DataError } from './errors.ts';

/** A numeric table: `data[row * columns.length + column]`. */
export interface NumericTable {
  /** Names of the columns kept, in file order. */
  columns: string[];
  rows: number;
  data: Float64Array;
}

/** Options of `readNumericCsv`. */
export interface ReadNumericCsvOptions {
  /** Columns to drop without parsing (matched case-insensitively), e.g. `['label']`. */
  ignore?: readonly string[];
}

async function isGzip(path: string): Promise<boolean> {
  if (path.endsWith('.gz')) return true;
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

function unquote(field: string): string {
  const s = field.trim();
  return s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1).trim() : s;
}

/** Reads a numeric CSV file (plain or gzipped) into one row-major matrix. */
export async function readNumericCsv(
  path: string,
  options: ReadNumericCsvOptions = {},
): Promise<NumericTable> {
  let stream: Readable;
  try {
    const gz = await isGzip(path);
    const file = createReadStream(path);
    stream = gz ? file.pipe(createGunzip()) : file;
    if (gz) file.on('error', (err) => stream.destroy(err));
  } catch (err) {
    throw new DataError(`cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  stream.setEncoding('utf8');

  const ignore = new Set((options.ignore ?? []).map((c) => c.toLowerCase()));
  let header: string[] | undefined;
  let keep: Int32Array = new Int32Array(0); // per file column: output column, or -1 if ignored
  let width = 0;
  let data = new Float64Array(1 << 16);
  let used = 0;
  let rows = 0;
  let line = 0;

  const parseLine = (text: string): void => {
    line++;
    if (text.length > 0 && text.charCodeAt(text.length - 1) === 13) text = text.slice(0, -1);
    if (text.trim() === '') return;
    if (header === undefined) {
      header = text
        .replace(/^\uFEFF/, '')
        .split(',')
        .map(unquote);
      keep = new Int32Array(header.length);
      for (let c = 0; c < header.length; c++) keep[c] = ignore.has(header[c]!.toLowerCase()) ? -1 : width++;
      return;
    }
    if (used + width > data.length) {
      const grown = new Float64Array(data.length * 2);
      grown.set(data);
      data = grown;
    }
    let start = 0;
    let c = 0;
    for (;;) {
      const comma = text.indexOf(',', start);
      if (c < header.length) {
        const out = keep[c]!;
        if (out >= 0)
          data[used + out] = parseCell(text.slice(start, comma < 0 ? text.length : comma), header[c]!, rows);
      }
      c++;
      if (comma < 0) break;
      start = comma + 1;
    }
    if (c !== header.length) {
      throw new DataError(`${path} line ${line}: ${c} fields, the header has ${header.length}.`);
    }
    used += width;
    rows++;
  };

  const parseCell = (cell: string, column: string, row: number): number => {
    const v = Number(cell);
    // Number('') and Number('  ') are 0; a real zero has a digit in it.
    if (v === 0 && !/\d/.test(cell)) {
      if (unquote(cell) === '') return NaN;
      throw new DataError(
        `${path} line ${line} (data row ${row + 1}), column '${column}': '${cell}' is not a number.`,
      );
    }
    if (v === v) return v;
    const s = unquote(cell);
    if (s === '' || s.toLowerCase() === 'nan') return NaN;
    const q = Number(s);
    if (q === q && s !== '') return q;
    throw new DataError(
      `${path} line ${line} (data row ${row + 1}), column '${column}': '${cell}' is not a number.`,
    );
  };

  let carry = '';
  try {
    for await (const chunk of stream) {
      const text = carry + (chunk as string);
      let start = 0;
      for (;;) {
        const nl = text.indexOf('\n', start);
        if (nl < 0) break;
        parseLine(text.slice(start, nl));
        start = nl + 1;
      }
      carry = text.slice(start);
    }
    if (carry !== '') parseLine(carry);
  } catch (err) {
    if (err instanceof DataError) throw err;
    throw new DataError(`cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  if (header === undefined) throw new DataError(`${path} is empty: expected a header row.`);
  const columns = header.filter((_, c) => keep[c]! >= 0);
  return { columns, rows, data: data.slice(0, used) };
}
