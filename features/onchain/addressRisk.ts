import type { Feature } from '../feature.ts';
import type { AmlContext } from './amlContext.ts';
import { graphExposureFeature } from './graphExposureFeature.ts';

/**
 * Risk of the address from the lists and its neighbourhood: its own category weight, or that of a
 * flagged address within the graph's maxHops, halved per hop (sanctioned 1, exploit 0.9, mixer
 * 0.8, phishing 0.7). As of the key's latest event.
 */
export function addressRisk(ctx: AmlContext): Feature<Record<string, never>> {
  const g = ctx.graph;
  return graphExposureFeature(
    ctx,
    {
      name: 'address_risk',
      unit: 'score in [0, 1]',
      description: 'Highest list risk of the address or of any address within N hops, discounted per hop.',
      formula: `max over addresses x within ${g.maxHops} hops (exchanges not crossed) of w(category(x)) * ${g.decay}^hops(x)`,
      reveals: 'sanctioned, exploit, mixer and phishing addresses and the wallets that deal with them',
    },
    (graph) => graph.risk,
  );
}
