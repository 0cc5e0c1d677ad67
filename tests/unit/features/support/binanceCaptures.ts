import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { binanceWs } from '../../../../pipelines/formats/binanceWs.ts';
import { SKIP } from '../../../../pipelines/formats/format.ts';
import type { InputEvent } from '../../../../schemas/event.ts';

/** The shared real-data folder (read at run time, never copied into the repo). */
export const SHARED = join(import.meta.dirname, '../../../../../shared');
export const BINANCE = join(SHARED, 'market/binance');

const VENUE: Record<string, string> = { spot: 'binance-spot', usdm: 'binance-usdm', cm: 'binance-cm' };

/**
 * One capture file's events, with the receive time (ns, as its 19-digit string, which sorts
 * exactly) of each line for merging files; `only` keeps the lines whose stream name contains it.
 */
export function readCapture(rel: string, only?: string): { recv: string; event: InputEvent }[] {
  const path = join(BINANCE, rel);
  const symbol = /^([a-z0-9_]+?)_\d{8}/i.exec(basename(path))?.[1]?.toUpperCase();
  const fmt = binanceWs(VENUE[basename(dirname(path))]!, symbol);
  const lines = gunzipSync(readFileSync(path)).toString('utf8').split('\n');
  const out: { recv: string; event: InputEvent }[] = [];
  lines.forEach((bytes, i) => {
    // A snapshot line names no stream; it is kept so that the book starts complete.
    if (only !== undefined && !bytes.includes(only) && !bytes.includes('lastUpdateId')) return;
    const e = fmt.parse({ seq: i + 1, bytes, origin: {}, arrivalMs: 0 });
    if (e === SKIP) return;
    out.push({ recv: bytes.slice(0, bytes.indexOf(' ')), event: e as InputEvent });
  });
  return out;
}

/** Several captures merged in receive order, as a live consumer would have seen them. */
export function mergeCaptures(rels: readonly (string | [string, string])[]): InputEvent[] {
  const all = rels.flatMap((r) => (typeof r === 'string' ? readCapture(r) : readCapture(r[0], r[1])));
  all.sort((a, b) => (a.recv < b.recv ? -1 : a.recv > b.recv ? 1 : 0));
  return all.map((x) => x.event);
}
