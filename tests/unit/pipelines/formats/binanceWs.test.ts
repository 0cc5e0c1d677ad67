import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { binanceWs } from '../../../../pipelines/formats/binanceWs.ts';
import { shared } from '../../../support/shared.ts';

const T0 = 1_723_161_600_000;
/** The receiving machine's clock runs this far behind the exchange's, as on the ../shared captures. */
const BEHIND = 1_271;

const line = (recvMs: number, stream: string, data: Record<string, unknown>): string =>
  `${recvMs * 1e6} ${JSON.stringify({ stream, data })}`;
const parse = (
  f: ReturnType<typeof binanceWs>,
  bytes: string,
  seq = 0,
): { eventTime: number; type: string } =>
  f.parse({ seq, bytes, origin: {}, arrivalMs: 0 }) as { eventTime: number; type: string };

describe('binance-ws format - event time of messages without an exchange time', () => {
  it('moves a spot bookTicker onto the exchange clock by the offset measured on messages that carry E', () => {
    const f = binanceWs('binance-spot');
    // Before any message with E there is no offset: the receive time stands in.
    const early = parse(
      f,
      line(T0, 'btcusdt@bookTicker', { u: 1, s: 'BTCUSDT', b: '1', B: '1', a: '2', A: '1' }),
    );
    expect(early.eventTime).toBe(T0);
    for (let i = 0; i < 50; i++) {
      const e = T0 + 100 * i;
      // Network delay of 3-7 ms on top of the clock difference.
      parse(
        f,
        line(e - BEHIND + 3 + (i % 5), 'btcusdt@depth@100ms', {
          e: 'depthUpdate',
          E: e,
          s: 'BTCUSDT',
          U: i,
          u: i,
          b: [],
          a: [],
        }),
      );
    }
    const recv = T0 + 10_000;
    const t = parse(
      f,
      line(recv, 'btcusdt@bookTicker', { u: 2, s: 'BTCUSDT', b: '1', B: '1', a: '2', A: '1' }),
    );
    // On the exchange clock the quote is BEHIND less the ~5 ms delay after its receive stamp.
    expect(t.eventTime).toBeGreaterThan(recv + BEHIND - 10);
    expect(t.eventTime).toBeLessThan(recv + BEHIND);
    // A snapshot without E is stamped the same way.
    const snap = f.parse({
      seq: 99,
      bytes: `${recv * 1e6} {"lastUpdateId":5,"bids":[],"asks":[]}`,
      origin: {},
      arrivalMs: 0,
    }) as { eventTime: number };
    expect(snap.eventTime).toBe(t.eventTime);
  });

  it('keeps the exchange time of messages that carry one, whatever the offset', () => {
    const f = binanceWs('binance-usdm');
    parse(f, line(T0 - BEHIND, 'btcusdt@depth', { E: T0, s: 'BTCUSDT', U: 1, u: 1, b: [], a: [] }));
    const t = parse(
      f,
      line(T0 + 500, 'btcusdt@bookTicker', {
        u: 2,
        s: 'BTCUSDT',
        b: '1',
        B: '1',
        a: '2',
        A: '1',
        E: T0 + 400,
        T: T0 + 399,
      }),
    );
    expect(t.eventTime).toBe(T0 + 399);
  });

  it('on the real spot capture, bookTickers line up with the trades and depth diffs around them', async () => {
    const f = binanceWs('binance-spot');
    const rl = createInterface({
      input: createReadStream(shared('market', 'binance', 'spot', 'btcusdt_20240808.gz')).pipe(
        createGunzip(),
      ),
    });
    let seq = 0;
    let lastExchange = Number.NaN;
    const gaps: number[] = [];
    for await (const bytes of rl) {
      if (seq++ > 20_000) break;
      const ev = parse(f, bytes, seq);
      if (ev.type === 'ticker') {
        if (!Number.isNaN(lastExchange)) gaps.push(ev.eventTime - lastExchange);
      } else if (ev.type === 'book' || ev.type === 'trade') {
        lastExchange = ev.eventTime;
      }
    }
    rl.close();
    gaps.sort((a, b) => a - b);
    const median = gaps[gaps.length >> 1]!;
    // Raw receive times put every quote ~1.27 s behind the stream's other messages; moved onto the
    // exchange clock, a quote sits within a depth interval (100 ms) of the message before it.
    expect(gaps.length).toBeGreaterThan(1_000);
    expect(Math.abs(median)).toBeLessThan(100);
  });
});
