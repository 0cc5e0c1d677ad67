import { readFileSync } from 'node:fs';
import { DataError } from '../../core/errors.ts';
import { parseNabTimestamp } from './timestamps.ts';

/** One NAB time series: timestamps (epoch ms) and one numeric column, row for row. */
export interface Series {
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
}

/**
 * Reads a NAB CSV (`timestamp,value` data files, `timestamp,anomaly_score,...` result files) and
 * returns the timestamps and the named column. Extra columns are ignored.
 */
export function readNabCsv(path: string, column: string): Series {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new DataError(`cannot read ${path}`, { cause });
  }
  const lines = text.split(/\r?\n/).filter((line) => line.length > 0);
  const header = (lines[0] ?? '').split(',').map((h) => h.trim());
  const timeIndex = header.indexOf('timestamp');
  const valueIndex = header.indexOf(column);
  if (timeIndex < 0 || valueIndex < 0) {
    throw new DataError(`${path}: header must name 'timestamp' and '${column}', found '${header.join(',')}'`);
  }
  const rows = lines.length - 1;
  const timestamps = new Float64Array(rows);
  const values = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const cells = (lines[i + 1] as string).split(',');
    const value = Number(cells[valueIndex]);
    if (cells[valueIndex] === undefined || cells[valueIndex].trim() === '' || Number.isNaN(value)) {
      throw new DataError(`${path}:${i + 2}: '${column}' is not a number: '${cells[valueIndex] ?? ''}'`);
    }
    try {
      timestamps[i] = parseNabTimestamp(cells[timeIndex] ?? '');
    } catch (cause) {
      throw new DataError(`${path}:${i + 2}: bad timestamp`, { cause });
    }
    values[i] = value;
  }
  return { timestamps, values };
}
