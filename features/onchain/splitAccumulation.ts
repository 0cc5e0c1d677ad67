import type { Transfer } from '../../schemas/onchain.ts';
import type { Feature, FeatureState } from '../feature.ts';
import { DecayingSum } from '../stats/decayingSum.ts';
import type { AmlContext } from './amlContext.ts';
import { SelfAddress } from './selfAddress.ts';
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
  return {
    name: 'split_accumulation',
    family: 'on-chain',
    unit: 'whale thresholds',
    description: 'Small inbound transfers summed (decaying), relative to the whale size.',
    formula:
      'sum_i (v_i / whale_i) 0.5^((t - t_i)/h) over inbound transfers with 0 < v_i < small threshold; 0 for a listed exchange wallet',
    window: 'exponential, half-life halfLifeMs (default 24 h)',
    reveals:
      'split-order accumulation and structuring: a large position or deposit kept under reporting radar',
    keyKind: 'address',
    inputs: ['transfer', 'label'],
    defaults: {
      halfLifeMs: 24 * 3_600_000,
      smallUsd: 10_000,
      smallAmount: 5,
      whaleUsd: 1_000_000,
      whaleAmount: 500,
    },
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
  const onTransfer = (t: Transfer, me: string): void => {
    const v = valueOf(t);
    const small = t.usdValue !== undefined ? p.smallUsd : p.smallAmount;
    // A known exchange wallet collecting small deposits is doing its business, not accumulating.
    const inbound = t.to === me && t.from !== me && !ctx.book.isExchange(me);
    sum.add(inbound && v > 0 && v < small ? v / whaleThreshold(t, p) : 0, t.eventTime);
  };
  return {
    update(input) {
      ctx.ingest(input);
      self.each(input, onTransfer);
    },
    value: () => (Number.isNaN(sum.lastTime) ? undefined : sum.valueAt(sum.lastTime)),
    toJSON: () => ({ s: self.toJSON(), d: sum.toJSON() }),
  };
}
