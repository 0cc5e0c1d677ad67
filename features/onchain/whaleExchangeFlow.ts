import type { Transfer } from '../../schemas/onchain.ts';
import type { Feature, FeatureState } from '../feature.ts';
import { DecayingSum } from '../stats/decayingSum.ts';
import type { AmlContext } from './amlContext.ts';
import { SelfAddress } from './selfAddress.ts';
import { counterparty, isWhale, valueOf } from './transferValue.ts';

type Params = { halfLifeMs: number; whaleUsd: number; whaleAmount: number };

/** Whale-sized value the address sent to exchanges minus what it received from them, decaying. */
export function whaleExchangeFlow(ctx: AmlContext): Feature<Params> {
  return {
    name: 'whale_exchange_net_flow',
    family: 'on-chain',
    unit: 'USD (asset units when transfers carry no usdValue)',
    description:
      'Net whale-sized flow from the address to exchange addresses (positive: deposits to exchanges).',
    formula:
      'sum_i s_i v_i 0.5^((t - t_i)/h) over whale transfers with an exchange; s = +1 to, -1 from the exchange; 0 for a listed exchange wallet',
    window: 'exponential, half-life halfLifeMs (default 6 h)',
    reveals: 'whales moving coins to exchanges ahead of a dump (or withdrawing ahead of a squeeze)',
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
  const onTransfer = (t: Transfer, me: string): void => {
    const cp = counterparty(t, me);
    // An exchange is not a whale: its hot-wallet rebalancing with other exchanges is not an inflow.
    if (cp === me || !isWhale(t, p) || !ctx.book.isExchange(cp) || ctx.book.isExchange(me))
      sum.add(0, t.eventTime);
    else sum.add(t.from === me ? valueOf(t) : -valueOf(t), t.eventTime);
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
