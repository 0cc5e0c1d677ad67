import type { Transfer } from '../../schemas/onchain.ts';
import type { Feature, FeatureState } from '../feature.ts';
import type { AmlContext } from './amlContext.ts';
import { SelfAddress } from './selfAddress.ts';
import { counterparty } from './transferValue.ts';

type Params = { maxTracked: number };

/** Distinct flagged addresses the address has transacted with directly (3 or more: freeze). */
export function flaggedCounterparties(ctx: AmlContext): Feature<Params> {
  return {
    name: 'flagged_counterparties',
    family: 'on-chain',
    unit: 'addresses',
    description: 'Number of distinct direct counterparties that were flagged when the transfer was seen.',
    formula: '#{distinct counterparties x of the address with w(category(x)) >= 0.5}, capped at maxTracked',
    window: 'since first seen (at most maxTracked addresses kept, default 64)',
    reveals:
      'wallets dealing repeatedly with sanctioned, exploit, mixer or phishing addresses; 3 or more is a freeze signal',
    keyKind: 'address',
    inputs: ['transfer', 'label'],
    defaults: { maxTracked: 64 },
    shared: ctx,
    create(params) {
      return state(ctx, { ...this.defaults, ...params }, new SelfAddress(), []);
    },
    restore(json, params) {
      const j = json as { s: unknown; f: string[] };
      return state(ctx, { ...this.defaults, ...params }, SelfAddress.fromJSON(j.s), [...j.f]);
    },
  };
}

function state(ctx: AmlContext, p: Params, self: SelfAddress, flagged: string[]): FeatureState {
  const onTransfer = (t: Transfer, me: string): void => {
    const cp = counterparty(t, me);
    if (cp !== me && flagged.length < p.maxTracked && ctx.book.isFlagged(cp) && !flagged.includes(cp))
      flagged.push(cp);
  };
  return {
    update(input) {
      ctx.ingest(input);
      self.each(input, onTransfer);
    },
    value: () => (self.me ? flagged.length : undefined),
    toJSON: () => ({ s: self.toJSON(), f: [...flagged] }),
  };
}
