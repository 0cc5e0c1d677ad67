import type { Feature, FeatureState } from '../feature.ts';
import { MonotonicDeque } from '../stats/monotonicDeque.ts';

type Params = { windowMs: number };

/** Farthest distance from the fair price of any new or modified order in a sliding window. */
export const orderDistance: Feature<Params> = {
  name: 'order_distance_from_mid',
  family: 'order-flow',
  unit: 'bps',
  description:
    'Largest |price / fair - 1| of new and modified orders in the window (fair = mid, else last trade).',
  formula:
    'max |p_i / fair_i - 1| * 1e4 over action in {new, modify} in (t - W, t]; 0 without orders in the window',
  window: 'sliding, windowMs (default 60 s)',
  reveals: 'fat-finger orders far through the touch; layering orders stacked far from the mid',
  keyKind: 'venue-symbol',
  inputs: ['order'],
  defaults: { windowMs: 60_000 },
  create(params) {
    const p = { ...this.defaults, ...params };
    return state(new MonotonicDeque(p.windowMs, 'max'));
  },
  restore(json, params) {
    const p = { ...this.defaults, ...params };
    return state(MonotonicDeque.fromJSON(json, p.windowMs, 'max'));
  },
};

function state(far: MonotonicDeque): FeatureState {
  return {
    update({ event, book }) {
      if (event.type !== 'order') return;
      const fair = book.fairPrice();
      if ((event.action === 'new' || event.action === 'modify') && fair > 0)
        far.add(event.eventTime, Math.abs(event.price / fair - 1) * 1e4);
      else far.advance(event.eventTime);
    },
    value() {
      if (Number.isNaN(far.now)) return undefined;
      return far.size > 0 ? far.extreme : 0;
    },
    toJSON: () => far.toJSON(),
  };
}
