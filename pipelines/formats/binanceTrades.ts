import { DecodeError } from '../../core/errors.ts';
import type { RawMessage } from '../envelope.ts';
import { SKIP, type InputFormat } from './format.ts';

const HEADER = 'symbol,timestamp,datetime,side,price,amount,btc_volume';

/**
 * Binance trade dumps as in ../shared/pumps: `symbol,timestamp(ms),datetime,side,price,amount,btc_volume`,
 * side being the taker's. Symbols are written `COIN/BTC` and become `COINBTC`.
 */
export function binanceTrades(venue = 'binance'): InputFormat {
  return {
    name: 'binance-trades',
    parse(raw: RawMessage): unknown {
      const line = raw.bytes.trim();
      if (line === '' || line === HEADER) return SKIP;
      const f = line.split(',');
      if (f.length !== 7)
        throw new DecodeError(`expected 7 comma-separated fields (${HEADER}), got ${f.length}`);
      const [sym, ts, , side, price, amount] = f as [string, string, string, string, string, string];
      const symbol = sym.replace('/', '').toUpperCase();
      return {
        type: 'trade',
        // Dumps have no trade id; file line numbers are stable, so replays give the same ids.
        eventId: `${venue}:${symbol}:trade:${raw.origin.file ?? ''}:${raw.seq}`,
        tradeId: `${raw.seq}`,
        venue,
        symbol,
        eventTime: Number(ts),
        takerSide: side,
        price: Number(price),
        quantity: Number(amount),
      };
    },
  };
}
