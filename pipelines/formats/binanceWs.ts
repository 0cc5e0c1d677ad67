import { DecodeError } from '../../core/errors.ts';
import type { RawMessage } from '../envelope.ts';
import { SKIP, type InputFormat } from './format.ts';

type Json = Record<string, unknown>;

const num = (v: unknown): number =>
  typeof v === 'string' ? Number(v) : typeof v === 'number' ? v : Number.NaN;
const levels = (v: unknown): [number, number][] =>
  Array.isArray(v)
    ? v.map((l) => (Array.isArray(l) ? [num(l[0]), num(l[1])] : [Number.NaN, Number.NaN]))
    : [];

/**
 * Weight of each new sample in the receive-clock offset estimate (an exponentially weighted mean
 * of receive time minus the exchange's `E`). On the spot captures the offset is -1,271 ms with a
 * 10-90 % spread of 2 ms on depth diffs, so any small weight tracks it; 0.05 follows a drifting
 * clock within ~20 messages and lets one late message move the estimate by 5 % of its lateness.
 */
const OFFSET_WEIGHT = 0.05;

/**
 * Binance websocket captures: `<receive time ns> <JSON>` per line, the JSON a combined-stream
 * envelope (depth diffs, bookTicker, trade) or a REST depth snapshot. Event time is the exchange's
 * (`T`, else `E`). Spot bookTicker and spot snapshots carry none: their event time is the receive
 * time moved onto the exchange's clock by the offset between the two clocks, estimated from the
 * messages of the same stream that carry `E` (receive time minus `E`: on the ../shared captures
 * the receiving machine's clock is 1.27 s behind the exchange's, so raw receive times would put
 * spot quotes 1.27 s late against every other stream). Before any message with `E` the receive
 * time stands in unchanged. `venue` names the market (binance-spot, binance-usdm, binance-cm): the
 * JSON does not say it.
 */
export function binanceWs(venue: string, defaultSymbol?: string): InputFormat {
  // A snapshot line may not name its symbol; the stream messages around it do.
  let lastSymbol = defaultSymbol;
  /** Receive time minus exchange time (ms), or NaN before the first message that carries `E`. */
  let offset = Number.NaN;
  const observe = (recvMs: number, e: unknown): void => {
    const sample = recvMs - num(e);
    if (!Number.isFinite(sample)) return;
    offset = Number.isNaN(offset) ? sample : offset + OFFSET_WEIGHT * (sample - offset);
  };
  const exchangeTime = (recvMs: number): number =>
    Number.isNaN(offset) ? recvMs : Math.round(recvMs - offset);
  return {
    name: 'binance-ws',
    parse(raw: RawMessage): unknown {
      const line = raw.bytes;
      if (line.trim() === '') return SKIP;
      const space = line.indexOf(' ');
      if (space <= 0) throw new DecodeError('expected "<receive time ns> <json>"');
      const recvNs = line.slice(0, space);
      if (!/^\d{10,20}$/.test(recvNs))
        throw new DecodeError(`receive time is not an integer of ns: '${recvNs.slice(0, 40)}'`);
      const recvMs = Math.floor(Number(recvNs) / 1e6);
      let msg: Json;
      try {
        msg = JSON.parse(line.slice(space + 1)) as Json;
      } catch (err) {
        throw new DecodeError(`invalid JSON: ${(err as Error).message}`, { cause: err });
      }
      if (msg === null || typeof msg !== 'object') throw new DecodeError('JSON is not an object');
      if ('lastUpdateId' in msg) return snapshot(msg, exchangeTime(recvMs), venue, lastSymbol);
      const stream = msg['stream'];
      const data = msg['data'] as Json | undefined;
      if (typeof stream !== 'string' || data === null || typeof data !== 'object')
        throw new DecodeError('neither a combined-stream message {stream, data} nor a depth snapshot');
      const at = stream.indexOf('@');
      const kind = stream.slice(at + 1);
      const symbol = String(data['s'] ?? stream.slice(0, at)).toUpperCase();
      lastSymbol = symbol;
      if (data['E'] !== undefined) observe(recvMs, data['E']);
      if (kind.startsWith('depth')) {
        return {
          type: 'book',
          kind: 'update',
          eventId: `${venue}:${symbol}:depth:${String(data['u'])}`,
          venue,
          symbol,
          eventTime: num(data['T'] ?? data['E']),
          bids: levels(data['b']),
          asks: levels(data['a']),
          firstUpdateId: num(data['U']),
          lastUpdateId: num(data['u']),
        };
      }
      if (kind === 'bookTicker') {
        return {
          type: 'ticker',
          eventId: `${venue}:${symbol}:ticker:${String(data['u'])}`,
          venue,
          symbol,
          eventTime:
            data['T'] !== undefined || data['E'] !== undefined
              ? num(data['T'] ?? data['E'])
              : exchangeTime(recvMs),
          bidPrice: num(data['b']),
          bidQty: num(data['B']),
          askPrice: num(data['a']),
          askQty: num(data['A']),
        };
      }
      if (kind === 'trade' || kind === 'aggTrade') {
        return {
          type: 'trade',
          eventId: `${venue}:${symbol}:trade:${String(data['t'] ?? data['a'])}`,
          venue,
          symbol,
          tradeId: String(data['t'] ?? data['a']),
          eventTime: num(data['T'] ?? data['E']),
          price: num(data['p']),
          quantity: num(data['q']),
          // m: the buyer is the maker, so the seller was the aggressor.
          takerSide: data['m'] === true ? 'sell' : 'buy',
        };
      }
      throw new DecodeError(`unsupported stream '${stream}'`);
    },
  };
}

/** A REST depth snapshot; `fallbackTime` stands in for event time when the snapshot carries none. */
function snapshot(msg: Json, fallbackTime: number, venue: string, knownSymbol?: string): unknown {
  const symbol = String(msg['symbol'] ?? knownSymbol ?? '').toUpperCase();
  if (symbol === '')
    throw new DecodeError(
      'depth snapshot before any stream message names its symbol (the file name did not either)',
    );
  return {
    type: 'book',
    kind: 'snapshot',
    eventId: `${venue}:${symbol}:snapshot:${String(msg['lastUpdateId'])}`,
    venue,
    symbol,
    eventTime: msg['T'] !== undefined || msg['E'] !== undefined ? num(msg['T'] ?? msg['E']) : fallbackTime,
    bids: levels(msg['bids']),
    asks: levels(msg['asks']),
    lastUpdateId: num(msg['lastUpdateId']),
  };
}
