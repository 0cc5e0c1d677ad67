import type { Feature } from '../feature.ts';
import type { AmlContext } from './amlContext.ts';
import { graphExposureFeature } from './graphExposureFeature.ts';

/** Hops from the address to the nearest flagged address: 0 itself, 1 a direct counterparty, ... */
export function flaggedHops(ctx: AmlContext): Feature<Record<string, never>> {
  const g = ctx.graph;
  return graphExposureFeature(
    ctx,
    {
      name: 'flagged_hops',
      unit: 'hops',
      description: `Hops to the nearest sanctioned, exploit, mixer or phishing address; ${g.maxHops + 1} when none within ${g.maxHops}.`,
      formula: `min hops(x) over flagged x within ${g.maxHops} hops (exchanges not crossed), else ${g.maxHops + 1}`,
      reveals: 'direct and indirect exposure to sanctioned or stolen funds (layering through intermediaries)',
    },
    (graph, hops) => (Number.isFinite(hops) ? hops : graph.maxHops + 1),
  );
}
