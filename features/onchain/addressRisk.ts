import type { Feature, FeatureState } from '../feature.ts';
import type { AmlContext } from './amlContext.ts';
import { SelfAddress } from './selfAddress.ts';

type Params = Record<string, never>;

const noop = (): void => {};

/**
 * Risk of the address from the lists and its neighbourhood: its own category weight, or that of a
 * flagged address within the graph's maxHops, halved per hop (sanctioned 1, exploit 0.9, mixer
 * 0.8, phishing 0.7). As of the key's latest event.
 */
export function addressRisk(ctx: AmlContext): Feature<Params> {
  const g = ctx.graph;
  return {
    name: 'address_risk',
    family: 'on-chain',
    unit: 'score in [0, 1]',
    description: 'Highest list risk of the address or of any address within N hops, discounted per hop.',
    formula: `max over addresses x within ${g.maxHops} hops (exchanges not crossed) of w(category(x)) * ${g.decay}^hops(x)`,
    window: `the bounded transfer graph (${g.maxNeighbors} latest counterparties per address, ${g.maxNodes} addresses)`,
    reveals: 'sanctioned, exploit, mixer and phishing addresses and the wallets that deal with them',
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

function state(ctx: AmlContext, self: SelfAddress, risk: number): FeatureState {
  return {
    update(input) {
      ctx.ingest(input);
      self.each(input, noop);
      if (!self.me) return;
      ctx.graph.exposure(self.me);
      risk = ctx.graph.risk;
    },
    value: () => (Number.isNaN(risk) ? undefined : risk),
    toJSON: () => ({ s: self.toJSON(), v: Number.isNaN(risk) ? null : risk }),
  };
}
