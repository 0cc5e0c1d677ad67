import { DecodeError } from '../../core/errors.ts';
import type { RawMessage } from '../envelope.ts';
import { SKIP, type InputFormat } from './format.ts';

/**
 * On-chain transfers as CSV `block_time,from,to,total_eth` (../shared/aml/onchain): ISO block time,
 * addresses written `\x...` (Postgres bytea) or `0x...`, amount in ETH. No tx hash is given, so the
 * line number stands in for one and keeps replays deterministic.
 */
export function transfersCsv(chain = 'ethereum', asset = 'ETH'): InputFormat {
  return {
    name: 'transfers-csv',
    parse(raw: RawMessage): unknown {
      const line = raw.bytes.trim();
      if (line === '' || line.startsWith('block_time,')) return SKIP;
      const f = line.split(',');
      if (f.length < 4) throw new DecodeError(`expected block_time,from,to,amount; got ${f.length} fields`);
      const [time, from, to, amount] = f as [string, string, string, string];
      const t = Date.parse(time);
      if (Number.isNaN(t)) throw new DecodeError(`unreadable block_time '${time.slice(0, 40)}'`);
      const addr = (a: string) => a.replace(/^\\x/, '0x').toLowerCase();
      const txHash = `${raw.origin.file ?? 'csv'}#${raw.seq}`;
      return {
        type: 'transfer',
        eventId: `${chain}:${txHash}`,
        chain,
        txHash,
        from: addr(from),
        to: addr(to),
        asset,
        amount: Number(amount),
        blockTime: t,
        eventTime: t,
      };
    },
  };
}
