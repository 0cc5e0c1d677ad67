import type { Feature, FeatureState } from '../feature.ts';
import type { AmlContext } from './amlContext.ts';
import type { TransferGraph } from './transferGraph.ts';
import { SelfAddress } from './selfAddress.ts';

type Params = Record<string, never>;

/** What an exposure feature says of itself (the catalogue's fields), and how it reads the graph. */
export type ExposureText = Pick<Feature<Params>, 'name' | 'unit' | 'description' | 'formula' | 'reveals'>;

const noop = (): void => {};

/**
 * An address feature read from the shared transfer graph after each of the key's events: the graph
 * is fed (`ctx.ingest`), the key's own address learned, its exposure to flagged addresses computed,
 * and `read(graph, hops)` turns that walk (hops to the nearest flagged address, Infinity when none
 * within reach; the graph's `risk` holds the discounted risk) into the value. The value and the
 * learned address are the state a checkpoint keeps.
 */
export function graphExposureFeature(
  ctx: AmlContext,
  text: ExposureText,
  read: (graph: TransferGraph, hops: number) => number,
): Feature<Params> {
  const g = ctx.graph;
  const state = (self: SelfAddress, value: number): FeatureState => ({
    update(input) {
      ctx.ingest(input);
      self.each(input, noop);
      if (!self.me) return;
      value = read(ctx.graph, ctx.graph.exposure(self.me));
    },
    value: () => (Number.isNaN(value) ? undefined : value),
    toJSON: () => ({ s: self.toJSON(), v: Number.isNaN(value) ? null : value }),
  });
  return {
    ...text,
    family: 'on-chain',
    window: `the bounded transfer graph (${g.maxNeighbors} latest counterparties per address, ${g.maxNodes} addresses)`,
    keyKind: 'address',
    inputs: ['transfer', 'label'],
    defaults: {},
    shared: ctx,
    create() {
      return state(new SelfAddress(), Number.NaN);
    },
    restore(json) {
      const j = json as { s: unknown; v: number | null };
      return state(SelfAddress.fromJSON(j.s), j.v ?? Number.NaN);
    },
  };
}
