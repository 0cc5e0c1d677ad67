import type { Feature, FeatureState } from '../feature.ts';
import type { AmlContext } from './amlContext.ts';
import { SelfAddress } from './selfAddress.ts';

type Params = Record<string, never>;

const noop = (): void => {};

/** Hops from the address to the nearest flagged address: 0 itself, 1 a direct counterparty, ... */
export function flaggedHops(ctx: AmlContext): Feature<Params> {
  const g = ctx.graph;
  return {
    name: 'flagged_hops',
    family: 'on-chain',
    unit: 'hops',
    description: `Hops to the nearest sanctioned, exploit, mixer or phishing address; ${g.maxHops + 1} when none within ${g.maxHops}.`,
    formula: `min hops(x) over flagged x within ${g.maxHops} hops (exchanges not crossed), else ${g.maxHops + 1}`,
    window: `the bounded transfer graph (${g.maxNeighbors} latest counterparties per address, ${g.maxNodes} addresses)`,
    reveals: 'direct and indirect exposure to sanctioned or stolen funds (layering through intermediaries)',
    keyKind: 'address',
    inputs: ['transfer', 'label'],
    defaults: {},
    shared: ctx,
    create() {
      return state(ctx, new SelfAddress(), Number.NaN);
    },
    restore(json) {
      const j = json as { s: unknown; v: number | null };
      return state(ctx, SelfAddress.fromJSON(j.s), j.v ?? Number.NaN);
    },
  };
}

function state(ctx: AmlContext, self: SelfAddress, hops: number): FeatureState {
  return {
    update(input) {
      ctx.ingest(input);
      self.each(input, noop);
      if (!self.me) return;
      const h = ctx.graph.exposure(self.me);
      hops = Number.isFinite(h) ? h : ctx.graph.maxHops + 1;
    },
    value: () => (Number.isNaN(hops) ? undefined : hops),
    toJSON: () => ({ s: self.toJSON(), v: Number.isNaN(hops) ? null : hops }),
  };
}
