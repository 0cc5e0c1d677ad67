import type { Feature, FeatureState } from '../feature.ts';
import { TimeEwma } from '../stats/ewma.ts';

type Params = { halfLifeMs: number; warmupMs: number };

/**
 * Realised volatility of the mid price per square root of a second: the decaying mean of squared
 * log returns between mid changes, scaled by their rate, so sampling frequency does not inflate it.
 */
export const realizedVolatility: Feature<Params> = {
  name: 'realized_volatility',
  family: 'order-flow',
  unit: 'log return / sqrt(s)',
  description: 'Realised volatility of the mid price, in event time.',
  formula: 'sqrt( EWMA_h[r_i^2 / dt_i] ), r_i = ln(mid_i / mid_{i-1}), dt_i in s (floored at 1 ms)',
  window: 'exponential, half-life halfLifeMs (default 30 s)',
  reveals: 'flash crashes and disorderly markets; volatility regime changes',
  keyKind: 'venue-symbol',
  inputs: ['book', 'ticker', 'trade'],
  defaults: { halfLifeMs: 30_000, warmupMs: 10_000 },
  create(params) {
    const p = { ...this.defaults, ...params };
    return state(p, new TimeEwma(p.halfLifeMs), { mid: Number.NaN, t: Number.NaN, first: Number.NaN });
  },
  restore(json, params) {
    const p = { ...this.defaults, ...params };
    const j = json as { e: unknown; mid: number | null; t: number | null; first: number | null };
    return state(p, TimeEwma.fromJSON(p.halfLifeMs, j.e), {
      mid: j.mid ?? Number.NaN,
      t: j.t ?? Number.NaN,
      first: j.first ?? Number.NaN,
    });
  },
};

function state(p: Params, ewma: TimeEwma, s: { mid: number; t: number; first: number }): FeatureState {
  return {
    update({ event, book }) {
      const m = book.fairPrice();
      if (!(m > 0) || m === s.mid) return;
      const t = event.eventTime;
      if (!Number.isNaN(s.mid) && t >= s.t) {
        const r = Math.log(m / s.mid);
        const dt = Math.max(t - s.t, 1) / 1000;
        ewma.update((r * r) / dt, t);
      }
      if (Number.isNaN(s.first)) s.first = t;
      s.mid = m;
      s.t = Math.max(Number.isNaN(s.t) ? t : s.t, t);
    },
    value: () => (ewma.count > 0 && s.t - s.first >= p.warmupMs ? Math.sqrt(ewma.value) : undefined),
    toJSON: () => ({
      e: ewma.toJSON(),
      mid: Number.isNaN(s.mid) ? null : s.mid,
      t: Number.isNaN(s.t) ? null : s.t,
      first: Number.isNaN(s.first) ? null : s.first,
    }),
  };
}
