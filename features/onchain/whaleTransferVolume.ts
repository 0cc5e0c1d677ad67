import type { Feature } from '../feature.ts';
import type { AmlContext } from './amlContext.ts';
import { decayingTransferSum, type WhaleParams } from './decayingTransferSum.ts';
import { isWhale, valueOf } from './transferValue.ts';

/** Value moved in whale-sized transfers in or out of the address, decaying. */
export function whaleTransferVolume(ctx: AmlContext): Feature<WhaleParams> {
  return decayingTransferSum(ctx, {
    name: 'whale_transfer_volume',
    unit: 'USD (asset units when transfers carry no usdValue)',
    description: 'Decaying sum of the value of whale-sized transfers, either direction.',
    formula: 'sum_i v_i 0.5^((t - t_i)/h) over transfers with v_i >= whale threshold',
    reveals: 'the size of whale moves: hack proceeds leaving, large positions built or unwound',
    contribution: (t, _me, p) => (isWhale(t, p) ? valueOf(t) : 0),
  });
}
