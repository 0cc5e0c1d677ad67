import { depthSum } from '../book/depth.ts';
import type { Feature, FeatureState } from '../feature.ts';
import { MonotonicDeque } from '../stats/monotonicDeque.ts';

type Params = { windowMs: number; levels: number; warmupMs: number };

/** How much of the window's deepest book has gone: 0 at the deepest, near 1 when drained. */
export const depthDepletion: Feature<Params> = {
  name: 'depth_depletion',
  family: 'order-flow',
  unit: 'ratio in [0, 1]',
  description: 'Book depth over the top levels (both sides) against its rolling maximum.',
  formula: '1 - D_t / max_{(t - W, t]} D, D = sum of quantity over the top `levels` bid and ask levels',
  window: 'sliding, windowMs (default 60 s), top `levels` levels (default 10)',
  reveals: 'liquidity withdrawal before a flash crash; spoofed depth pulled at once',
  keyKind: 'venue-symbol',
  inputs: ['book', 'ticker'],
  defaults: { windowMs: 60_000, levels: 10, warmupMs: 60_000 },
  create(params) {
    const p = { ...this.defaults, ...params };
    return state(p, new MonotonicDeque(p.windowMs, 'max'), Number.NaN);
  },
  restore(json, params) {
    const p = { ...this.defaults, ...params };
    const j = json as { d: unknown; v: number | null };
    return state(p, MonotonicDeque.fromJSON(j.d, p.windowMs, 'max'), j.v ?? Number.NaN);
  },
};

function state(p: Params, peak: MonotonicDeque, depth: number): FeatureState {
  return {
    update({ event, book }) {
      const d = depthSum(book, 'bid', p.levels) + depthSum(book, 'ask', p.levels);
      if (d > 0) {
        depth = d;
        peak.add(event.eventTime, d);
      } else peak.advance(event.eventTime);
    },
    value() {
      if (peak.age < p.warmupMs || !(peak.extreme > 0) || Number.isNaN(depth)) return undefined;
      return Math.max(0, 1 - depth / peak.extreme);
    },
    toJSON: () => ({ d: peak.toJSON(), v: Number.isNaN(depth) ? null : depth }),
  };
}
