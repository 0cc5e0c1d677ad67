import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { lastValueFrom, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { decoder, newDecodeStats } from '../../../../pipelines/decode.ts';
import { eventsJsonl } from '../../../../pipelines/formats/eventsJsonl.ts';
import { mergedFiles, type MergeOrder } from '../../../../pipelines/sources/mergedFiles.ts';
import type { DeadLetter } from '../../../../schemas/deadLetter.ts';

const dir = mkdtempSync(join(tmpdir(), 'flowguard-merge-'));
const T0 = Date.UTC(2024, 7, 8, 23, 55);

/** An events-jsonl trade line at T0 + `t` ms; `id` names it in the assertions. */
const trade = (id: string, t: number, venue = 'venue-a') =>
  JSON.stringify({
    type: 'trade',
    eventId: id,
    tradeId: id,
    venue,
    symbol: 'BTCUSDT',
    eventTime: T0 + t,
    price: 60_000,
    quantity: 0.1,
    takerSide: 'buy',
  });

function file(name: string, lines: string[], gz = false): string {
  const p = join(dir, name);
  const text = lines.join('\n') + '\n';
  writeFileSync(p, gz ? gzipSync(text) : text);
  return p;
}

async function merge(paths: string[], order: MergeOrder = 'event-time') {
  const stats = newDecodeStats();
  const letters: DeadLetter[] = [];
  const inputs = paths.map((path) => ({ path, decode: decoder(eventsJsonl, (d) => letters.push(d), stats) }));
  const envs = await lastValueFrom(mergedFiles(inputs, order).pipe(toArray()));
  return { ids: envs.map((e) => e.event.eventId), envs, letters, stats };
}

describe('mergedFiles - k-way merge of files by event time', () => {
  it('interleaves files whose timestamps interleave, gzipped or not', async () => {
    const a = file('a.jsonl', [trade('a1', 0), trade('a2', 300), trade('a3', 600), trade('a4', 900)]);
    const b = file('b.jsonl.gz', [trade('b1', 100), trade('b2', 200), trade('b3', 700)], true);
    const c = file('c.jsonl', [trade('c1', 50), trade('c2', 1_000)]);
    const { ids, envs } = await merge([a, b, c]);
    expect(ids).toEqual(['a1', 'c1', 'b1', 'b2', 'a2', 'a3', 'b3', 'a4', 'c2']);
    // Origins name the file and its line, as a file replayed alone.
    expect(envs[2]!.origin).toEqual({ file: 'b.jsonl.gz', line: 1 });
    expect(envs[2]!.seq).toBe(1);
  });

  it('ties go to the file given first, whatever the file names; the result never varies', async () => {
    const x = file('x.jsonl', [trade('x1', 0), trade('x2', 100), trade('x3', 100)]);
    const y = file('y.jsonl', [trade('y1', 0), trade('y2', 100)]);
    expect((await merge([x, y])).ids).toEqual(['x1', 'y1', 'x2', 'x3', 'y2']);
    expect((await merge([y, x])).ids).toEqual(['y1', 'x1', 'y2', 'x2', 'x3']);
    expect((await merge([y, x])).ids).toEqual((await merge([y, x])).ids);
  });

  it("keeps each file's order: an event older than its predecessor follows it, it is not pulled ahead", async () => {
    // p2 steps back 150 ms (as Binance streams do within a capture): it stays after p1.
    const p = file('p.jsonl', [trade('p1', 300), trade('p2', 150), trade('p3', 400)]);
    const q = file('q.jsonl', [trade('q1', 100), trade('q2', 200), trade('q3', 350)]);
    const { ids } = await merge([p, q]);
    expect(ids).toEqual(['q1', 'q2', 'p1', 'p2', 'q3', 'p3']);
    for (const name of ['p', 'q']) {
      const own = ids.filter((i) => i.startsWith(name));
      expect(own).toEqual([`${name}1`, `${name}2`, `${name}3`]);
    }
  });

  it('file order: one file after another, as given', async () => {
    const a = file('fa.jsonl', [trade('a1', 0), trade('a2', 300)]);
    const b = file('fb.jsonl', [trade('b1', 100), trade('b2', 200)]);
    expect((await merge([a, b], 'file')).ids).toEqual(['a1', 'a2', 'b1', 'b2']);
  });

  it('dead-letters invalid lines with their file and line, in file order, and counts every line', async () => {
    const a = file('da.jsonl', [trade('a1', 0), '{not json', trade('a2', 500), '', trade('a3', 900)]);
    const b = file('db.jsonl', [
      trade('b1', 100),
      JSON.stringify({ type: 'trade', eventId: 'bad', venue: 'v' }),
      trade('b2', 600),
    ]);
    for (const order of ['event-time', 'file'] as const) {
      const { ids, letters, stats } = await merge([a, b], order);
      expect(ids.sort()).toEqual(['a1', 'a2', 'a3', 'b1', 'b2']);
      expect(stats).toEqual({ messages: 8, events: 5, skipped: 1, deadLetters: 2 });
      const byFile = letters.map((l) => [l.origin.file, l.origin.line, l.reason]).sort();
      expect(byFile).toEqual([
        ['da.jsonl', 2, 'events-jsonl: unparseable message'],
        ['db.jsonl', 2, 'events-jsonl: schema validation failed'],
      ]);
      expect(
        Buffer.from(letters.find((l) => l.origin.file === 'da.jsonl')!.rawBase64, 'base64').toString(),
      ).toBe('{not json');
    }
  });

  it('stops reading when the subscriber unsubscribes', async () => {
    const big = file(
      'big.jsonl',
      Array.from({ length: 5_000 }, (_, i) => trade(`g${i}`, i)),
    );
    const stats = newDecodeStats();
    const first = await lastValueFrom(
      mergedFiles([{ path: big, decode: decoder(eventsJsonl, () => {}, stats) }]).pipe(take(3), toArray()),
    );
    expect(first.map((e) => e.event.eventId)).toEqual(['g0', 'g1', 'g2']);
    expect(stats.messages).toBeLessThan(5_000);
  });
});
