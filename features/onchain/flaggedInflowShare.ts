import type { Transfer } from '../../schemas/onchain.ts';
import type { Feature, FeatureState } from '../feature.ts';
import { DecayingSum } from '../stats/decayingSum.ts';
import type { AmlContext } from './amlContext.ts';
import { SelfAddress } from './selfAddress.ts';
import { valueOf } from './transferValue.ts';

type Params = { halfLifeMs: number };

/** Share of the value the address received that came straight from flagged addresses (taint). */
export function flaggedInflowShare(ctx: AmlContext): Feature<Params> {
  return {
    name: 'flagged_inflow_share',
    family: 'on-chain',
    unit: 'ratio in [0, 1]',
    description: 'Decaying share of inbound value sent by flagged addresses.',
    formula: 'sum_in v_i [sender flagged] 0.5^((t - t_i)/h) / sum_in v_i 0.5^((t - t_i)/h)',
    window: 'exponential, half-life halfLifeMs (default 24 h)',
    reveals: 'receipt of sanctioned or stolen funds: laundering hops, cash-out wallets',
    keyKind: 'address',
    inputs: ['transfer', 'label'],
    defaults: { halfLifeMs: 24 * 3_600_000 },
    shared: ctx,
    create(params) {
      const p = { ...this.defaults, ...params };
      return state(ctx, new SelfAddress(), new DecayingSum(p.halfLifeMs), new DecayingSum(p.halfLifeMs));
    },
    restore(json, params) {
      const p = { ...this.defaults, ...params };
      const j = json as { s: unknown; f: unknown; a: unknown };
      return state(
        ctx,
        SelfAddress.fromJSON(j.s),
        DecayingSum.fromJSON(p.halfLifeMs, j.f),
        DecayingSum.fromJSON(p.halfLifeMs, j.a),
      );
    },
  };
}

function state(ctx: AmlContext, self: SelfAddress, flagged: DecayingSum, all: DecayingSum): FeatureState {
  const onTransfer = (t: Transfer, me: string): void => {
    if (t.to !== me || t.from === me) return;
    const v = valueOf(t);
    all.add(v, t.eventTime);
    flagged.add(ctx.book.isFlagged(t.from) ? v : 0, t.eventTime);
  };
  return {
    update(input) {
      ctx.ingest(input);
      self.each(input, onTransfer);
    },
    value() {
      const t = all.lastTime;
      if (Number.isNaN(t)) return undefined;
      const total = all.valueAt(t);
      return total > 0 ? flagged.valueAt(t) / total : 0;
    },
    toJSON: () => ({ s: self.toJSON(), f: flagged.toJSON(), a: all.toJSON() }),
  };
}
