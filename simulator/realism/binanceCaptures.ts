import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { concat, lastValueFrom, defaultIfEmpty, tap } from 'rxjs';
import { DataError } from '../../core/errors.ts';
import { decode } from '../../pipelines/decode.ts';
import { formatFor } from '../../pipelines/formats/index.ts';
import { fileLines } from '../../pipelines/sources/fileLines.ts';
import { MarketStatsCollector, type StreamStats } from './marketStats.ts';

/**
 * Statistics of the real Binance websocket captures under `dir` (../shared/market/binance): every
 * market folder (spot, usdm, cm), each symbol's files in date order so the book carries over
 * midnight. Invalid lines are skipped (the replay tests count them; here they do not matter).
 */
export async function binanceCaptureStats(dir: string): Promise<StreamStats[]> {
  if (!existsSync(dir))
    throw new DataError(`no Binance captures at '${dir}': pass --real DIR (../shared/market/binance)`);
  const collector = new MarketStatsCollector();
  for (const market of readdirSync(dir).sort()) {
    const folder = join(dir, market);
    if (!existsSync(folder) || market.includes('.') || market === 'LICENSE') continue;
    const files = readdirSync(folder)
      .filter((f) => f.endsWith('.gz'))
      .sort();
    const bySymbol = new Map<string, string[]>();
    for (const f of files) {
      const sym = f.split('_20')[0]!;
      bySymbol.set(sym, [...(bySymbol.get(sym) ?? []), join(folder, f)]);
    }
    for (const paths of bySymbol.values()) {
      const streams = paths.map((p) => fileLines(p).pipe(decode(formatFor('binance-ws', p), () => {})));
      await lastValueFrom(
        concat(...streams).pipe(
          tap((env) => collector.add(env.event)),
          defaultIfEmpty(null),
        ),
      );
    }
  }
  return collector.results();
}
