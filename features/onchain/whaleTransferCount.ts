import type { Feature } from '../feature.ts';
import type { AmlContext } from './amlContext.ts';
import { decayingTransferSum, type WhaleParams } from './decayingTransferSum.ts';
import { isWhale } from './transferValue.ts';

/** Number of whale-sized transfers in or out of the address, decaying. */
export function whaleTransferCount(ctx: AmlContext): Feature<WhaleParams> {
  return decayingTransferSum(ctx, {
    name: 'whale_transfer_count',
    unit: 'transfers (decayed)',
    description: 'Decaying count of transfers of at least the whale size, either direction.',
    formula: 'sum_i 0.5^((t - t_i)/h) over transfers with v_i >= whale threshold',
    reveals: 'whale activity: large positions moving, laundering hops of a hack',
    contribution: (t, _me, p) => (isWhale(t, p) ? 1 : 0),
  });
}
