import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DataError } from '../../core/errors.ts';

/** One announced pump: the coin, its trade file, and the announced start (UTC). */
export interface PumpEpisode {
  readonly coin: string;
  readonly symbol: string;
  readonly file: string;
  readonly startMs: number;
}

/** The episodes of ../shared/pumps/trades: file names are `<COIN>_<YYYY-MM-DD>_<HH.MM>.csv`, the start in UTC. */
export function listEpisodes(tradesDir: string): PumpEpisode[] {
  return readdirSync(tradesDir)
    .filter((f) => f.endsWith('.csv'))
    .sort()
    .map((f) => {
      const m = /^([A-Z0-9]+)_(\d{4}-\d{2}-\d{2})_(\d{2})\.(\d{2})\.csv$/.exec(f);
      if (!m) throw new DataError(`pump trade file '${f}' is not named <COIN>_<YYYY-MM-DD>_<HH.MM>.csv`);
      return {
        coin: m[1]!,
        symbol: `${m[1]}BTC`,
        file: join(tradesDir, f),
        startMs: Date.parse(`${m[2]}T${m[3]}:${m[4]}:00Z`),
      };
    });
}
