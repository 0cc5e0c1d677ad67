import { readFileSync } from 'node:fs';
import { DataError } from '../../core/errors.ts';
import { parseNabTimestamp } from './timestamps.ts';

/** One labelled anomaly window, both ends inclusive, in epoch ms. */
export interface AnomalyWindow {
  readonly start: number;
  readonly end: number;
}

/** Anomaly windows per corpus file, keyed by `<category>/<file>.csv` as in `combined_windows.json`. */
export type CorpusWindows = ReadonlyMap<string, readonly AnomalyWindow[]>;

/** Loads NAB's `combined_windows.json` (`{ "<category>/<file>.csv": [[start, end], ...] }`). */
export function loadWindows(path: string): CorpusWindows {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new DataError(`cannot read the NAB windows file ${path}`, { cause });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new DataError(`${path}: expected an object mapping '<category>/<file>.csv' to a list of windows`);
  }
  const out = new Map<string, AnomalyWindow[]>();
  for (const [file, list] of Object.entries(json)) {
    if (!Array.isArray(list)) throw new DataError(`${path}: windows of '${file}' must be a list`);
    out.set(
      file,
      list.map((pair: unknown) => {
        if (
          !Array.isArray(pair) ||
          pair.length !== 2 ||
          typeof pair[0] !== 'string' ||
          typeof pair[1] !== 'string'
        ) {
          throw new DataError(`${path}: a window of '${file}' must be ["start", "end"]`);
        }
        return { start: parseNabTimestamp(pair[0]), end: parseNabTimestamp(pair[1]) };
      }),
    );
  }
  return out;
}
