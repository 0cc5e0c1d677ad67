import type { Transfer } from '../../schemas/onchain.ts';
import type { Feature, FeatureState } from '../feature.ts';
import { DecayingSum } from '../stats/decayingSum.ts';
import type { AmlContext } from './amlContext.ts';
import { SelfAddress } from './selfAddress.ts';
import { isWhale, valueOf } from './transferValue.ts';

type Params = { halfLifeMs: number; whaleUsd: number; whaleAmount: number };

/** Value moved in whale-sized transfers in or out of the address, decaying. */
export function whaleTransferVolume(ctx: AmlContext): Feature<Params> {
  return {
    name: 'whale_transfer_volume',
    family: 'on-chain',
    unit: 'USD (asset units when transfers carry no usdValue)',
    description: 'Decaying sum of the value of whale-sized transfers, either direction.',
    formula: 'sum_i v_i 0.5^((t - t_i)/h) over transfers with v_i >= whale threshold',
    window: 'exponential, half-life halfLifeMs (default 6 h)',
    reveals: 'the size of whale moves: hack proceeds leaving, large positions built or unwound',
    keyKind: 'address',
    inputs: ['transfer', 'label'],
    defaults: { halfLifeMs: 6 * 3_600_000, whaleUsd: 1_000_000, whaleAmount: 500 },
    shared: ctx,
    create(params) {
      const p = { ...this.defaults, ...params };
      return state(ctx, p, new SelfAddress(), new DecayingSum(p.halfLifeMs));
    },
    restore(json, params) {
      const p = { ...this.defaults, ...params };
      const j = json as { s: unknown; d: unknown };
      return state(ctx, p, SelfAddress.fromJSON(j.s), DecayingSum.fromJSON(p.halfLifeMs, j.d));
    },
  };
}

function state(ctx: AmlContext, p: Params, self: SelfAddress, sum: DecayingSum): FeatureState {
  const onTransfer = (t: Transfer): void => sum.add(isWhale(t, p) ? valueOf(t) : 0, t.eventTime);
  return {
    update(input) {
      ctx.ingest(input);
      self.each(input, onTransfer);
    },
    value: () => (Number.isNaN(sum.lastTime) ? undefined : sum.valueAt(sum.lastTime)),
    toJSON: () => ({ s: self.toJSON(), d: sum.toJSON() }),
  };
}
