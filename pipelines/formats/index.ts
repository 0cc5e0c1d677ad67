import { basename, dirname } from 'node:path';
import { ConfigError } from '../../core/errors.ts';
import { binanceTrades } from './binanceTrades.ts';
import { binanceWs } from './binanceWs.ts';
import { eventsJsonl } from './eventsJsonl.ts';
import type { InputFormat } from './format.ts';
import { transfersCsv } from './transfersCsv.ts';

export const FORMAT_NAMES = ['binance-ws', 'binance-trades', 'events-jsonl', 'transfers-csv'] as const;
export type FormatName = (typeof FORMAT_NAMES)[number];

/** Binance capture folders name the market; the venue is that market. */
const BINANCE_MARKETS: Record<string, string> = {
  spot: 'binance-spot',
  usdm: 'binance-usdm',
  cm: 'binance-cm',
};

/** The input format for a file, with the venue taken from `venue` or guessed from the path. */
export function formatFor(name: string, path: string, venue?: string): InputFormat {
  switch (name) {
    case 'binance-ws': {
      const market = basename(dirname(path));
      // Capture files are named <symbol>_<yyyymmdd>.gz.
      const symbol = /^([a-z0-9]+)_\d{8}/i.exec(basename(path))?.[1]?.toUpperCase();
      return binanceWs(venue ?? BINANCE_MARKETS[market] ?? 'binance', symbol);
    }
    case 'binance-trades':
      return binanceTrades(venue ?? 'binance');
    case 'events-jsonl':
      return eventsJsonl;
    case 'transfers-csv':
      return transfersCsv();
    default:
      throw new ConfigError(`unknown --format '${name}': use one of ${FORMAT_NAMES.join(', ')}`);
  }
}
