import type { Feature, FeatureState } from '../feature.ts';
import { TimedDeque } from '../stats/timedDeque.ts';

type Params = { horizonMs: number };

/** Log return of the mid price over the last `horizonMs` of event time. */
export const midReturn: Feature<Params> = {
  name: 'mid_return',
  family: 'order-flow',
  unit: 'log return',
  description: 'Log change of the mid price (best bid + best ask) / 2 over the horizon.',
  formula: 'ln(mid_t / mid_{t - horizon})',
  window: 'sliding, horizonMs (default 10 s)',
  reveals: 'pumps, flash crashes, momentum ignition: fast price moves',
  keyKind: 'venue-symbol',
  inputs: ['book', 'ticker', 'trade'],
  defaults: { horizonMs: 10_000 },
  create(params) {
    return state({ ...this.defaults, ...params }, new TimedDeque(), Number.NaN, Number.NaN);
  },
  restore(json, params) {
    const j = json as { d: unknown; m: number | null; t: number | null };
    return state(
      { ...this.defaults, ...params },
      TimedDeque.fromJSON(j.d),
      j.m ?? Number.NaN,
      j.t ?? Number.NaN,
    );
  },
};

function state(p: Params, history: TimedDeque, mid: number, time: number): FeatureState {
  return {
    update({ event, book }) {
      const m = book.fairPrice();
      if (!(m > 0) || event.eventTime < time) return;
      time = event.eventTime;
      if (m !== mid) {
        mid = m;
        history.push(time, m);
      }
      history.evictBefore(time - p.horizonMs);
    },
    value() {
      if (history.size === 0 || time - history.oldestTime() < p.horizonMs) return undefined;
      return Math.log(mid / history.oldestValue());
    },
    toJSON: () => ({
      d: history.toJSON(),
      m: Number.isNaN(mid) ? null : mid,
      t: Number.isNaN(time) ? null : time,
    }),
  };
}
