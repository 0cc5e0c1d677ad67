import type { Feature } from '../feature.ts';
import type { AmlContext } from './amlContext.ts';
import { decayingTransferSum } from './decayingTransferSum.ts';
import { valueOf, whaleThreshold } from './transferValue.ts';

type Params = {
  halfLifeMs: number;
  smallUsd: number;
  smallAmount: number;
  whaleUsd: number;
  whaleAmount: number;
};

/**
 * Whale-sized positions built from many small pieces: the decaying sum of small inbound transfers,
 * in units of the whale threshold. The key is an address; an address cluster (entity resolution
 * upstream) can be the key just as well.
 */
export function splitAccumulation(ctx: AmlContext): Feature<Params> {
  return decayingTransferSum<Params>(ctx, {
    name: 'split_accumulation',
    unit: 'whale thresholds',
    description: 'Small inbound transfers summed (decaying), relative to the whale size.',
    formula:
      'sum_i (v_i / whale_i) 0.5^((t - t_i)/h) over inbound transfers with 0 < v_i < small threshold; 0 for a listed exchange wallet',
    window: 'exponential, half-life halfLifeMs (default 24 h)',
    reveals:
      'split-order accumulation and structuring: a large position or deposit kept under reporting radar',
    defaults: {
      halfLifeMs: 24 * 3_600_000,
      smallUsd: 10_000,
      smallAmount: 5,
      whaleUsd: 1_000_000,
      whaleAmount: 500,
    },
    contribution(t, me, p, ctx) {
      const v = valueOf(t);
      const small = t.usdValue !== undefined ? p.smallUsd : p.smallAmount;
      // A known exchange wallet collecting small deposits is doing its business, not accumulating.
      const inbound = t.to === me && t.from !== me && !ctx.book.isExchange(me);
      return inbound && v > 0 && v < small ? v / whaleThreshold(t, p) : 0;
    },
  });
}
