import type { Feature, FeatureState } from '../feature.ts';
import { TimedDeque } from '../stats/timedDeque.ts';

type Params = { horizonMs: number };

/** Move of a reference price (oracle token, NFT floor, pool) over the horizon, in basis points. */
export const referencePriceMove: Feature<Params> = {
  name: 'reference_price_move',
  family: 'cross-asset',
  unit: 'bps',
  description: 'Log change of a reference price (token oracle, NFT collection floor) over the horizon.',
  formula: 'ln(p_t / p_{t - horizon}) * 1e4, p_{t - horizon} the oldest publication in the horizon',
  window: 'sliding, horizonMs (default 60 s)',
  reveals: 'NFT floor collapses and contagion to related tokens and collections, oracle shocks',
  keyKind: 'asset',
  inputs: ['price'],
  defaults: { horizonMs: 60_000 },
  create(params) {
    return state({ ...this.defaults, ...params }, new TimedDeque(), Number.NaN, Number.NaN, Number.NaN);
  },
  restore(json, params) {
    const j = json as { d: unknown; p: number | null; t: number | null; f: number | null };
    return state(
      { ...this.defaults, ...params },
      TimedDeque.fromJSON(j.d),
      j.p ?? Number.NaN,
      j.t ?? Number.NaN,
      j.f ?? Number.NaN,
    );
  },
};

function state(p: Params, history: TimedDeque, price: number, time: number, first: number): FeatureState {
  return {
    update({ event }) {
      if (event.type !== 'price' || !(event.price > 0) || event.eventTime < time) return;
      time = event.eventTime;
      price = event.price;
      if (Number.isNaN(first)) first = time;
      history.push(time, price);
      // Keeps the newest publication at or before the horizon's start: the reference price.
      history.evictBefore(time - p.horizonMs);
    },
    value: () =>
      Number.isNaN(first) || time - first < p.horizonMs
        ? undefined
        : Math.log(price / history.oldestValue()) * 1e4,
    toJSON: () => ({
      d: history.toJSON(),
      p: Number.isNaN(price) ? null : price,
      t: Number.isNaN(time) ? null : time,
      f: Number.isNaN(first) ? null : first,
    }),
  };
}
