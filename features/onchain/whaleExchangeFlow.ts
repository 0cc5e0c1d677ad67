import type { Feature } from '../feature.ts';
import type { AmlContext } from './amlContext.ts';
import { decayingTransferSum, type WhaleParams } from './decayingTransferSum.ts';
import { counterparty, isWhale, valueOf } from './transferValue.ts';

/** Whale-sized value the address sent to exchanges minus what it received from them, decaying. */
export function whaleExchangeFlow(ctx: AmlContext): Feature<WhaleParams> {
  return decayingTransferSum(ctx, {
    name: 'whale_exchange_net_flow',
    unit: 'USD (asset units when transfers carry no usdValue)',
    description:
      'Net whale-sized flow from the address to exchange addresses (positive: deposits to exchanges).',
    formula:
      'sum_i s_i v_i 0.5^((t - t_i)/h) over whale transfers with an exchange; s = +1 to, -1 from the exchange; 0 for a listed exchange wallet',
    reveals: 'whales moving coins to exchanges ahead of a dump (or withdrawing ahead of a squeeze)',
    contribution(t, me, p, ctx) {
      const cp = counterparty(t, me);
      // An exchange is not a whale: its hot-wallet rebalancing with other exchanges is not an inflow.
      if (cp === me || !isWhale(t, p) || !ctx.book.isExchange(cp) || ctx.book.isExchange(me)) return 0;
      return t.from === me ? valueOf(t) : -valueOf(t);
    },
  });
}
