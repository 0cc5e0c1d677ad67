import type { Transfer } from '../../schemas/onchain.ts';
import type { Feature, FeatureState } from '../feature.ts';
import { DecayingSum } from '../stats/decayingSum.ts';
import type { AmlContext } from './amlContext.ts';
import { SelfAddress } from './selfAddress.ts';

export type WhaleParams = { halfLifeMs: number; whaleUsd: number; whaleAmount: number };

/** The catalogue text of an address feature built on a decaying sum of its transfers. */
type Catalogue<P extends object> = Pick<Feature<P>, 'name' | 'unit' | 'description' | 'formula' | 'reveals'>;

const whaleDefaults: WhaleParams = { halfLifeMs: 6 * 3_600_000, whaleUsd: 1_000_000, whaleAmount: 500 };

/**
 * An address feature: the decaying sum (half-life `halfLifeMs`, default 6 h) of what `contribution`
 * makes of each transfer in or out of the address (`me`), read at the latest transfer. The whale
 * count, whale volume, whale exchange flow and split accumulation differ only in their
 * contribution (and split accumulation in its parameters: pass `defaults` and `window`).
 */
export function decayingTransferSum<P extends { halfLifeMs: number } = WhaleParams>(
  ctx: AmlContext,
  c: Catalogue<P> & {
    readonly contribution: (t: Transfer, me: string, p: P, ctx: AmlContext) => number;
    readonly defaults?: P;
    readonly window?: string;
  },
): Feature<P> {
  const defaults = c.defaults ?? (whaleDefaults as unknown as P);
  const state = (p: P, self: SelfAddress, sum: DecayingSum): FeatureState => {
    const onTransfer = (t: Transfer, me: string): void => sum.add(c.contribution(t, me, p, ctx), t.eventTime);
    return {
      update(input) {
        ctx.ingest(input);
        self.each(input, onTransfer);
      },
      value: () => (Number.isNaN(sum.lastTime) ? undefined : sum.valueAt(sum.lastTime)),
      toJSON: () => ({ s: self.toJSON(), d: sum.toJSON() }),
    };
  };
  return {
    name: c.name,
    family: 'on-chain',
    unit: c.unit,
    description: c.description,
    formula: c.formula,
    window: c.window ?? 'exponential, half-life halfLifeMs (default 6 h)',
    reveals: c.reveals,
    keyKind: 'address',
    inputs: ['transfer', 'label'],
    defaults,
    shared: ctx,
    create(params) {
      const p = { ...defaults, ...params };
      return state(p, new SelfAddress(), new DecayingSum(p.halfLifeMs));
    },
    restore(json, params) {
      const p = { ...defaults, ...params };
      const j = json as { s: unknown; d: unknown };
      return state(p, SelfAddress.fromJSON(j.s), DecayingSum.fromJSON(p.halfLifeMs, j.d));
    },
  };
}
