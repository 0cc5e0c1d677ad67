import type { Feature, FeatureState } from '../feature.ts';
import { DecayingRate } from '../stats/ewma.ts';

type Params = { halfLifeMs: number; warmupMs: number };

/** Cancels per trade over a decaying window; 1 trade of pseudo-count keeps it finite. */
export const cancelToTrade: Feature<Params> = {
  name: 'cancel_to_trade',
  family: 'order-flow',
  unit: 'ratio',
  description: 'Order cancellations per public trade.',
  formula: '(decaying cancels) / (decaying trades + 1)',
  window: 'exponential, half-life halfLifeMs (default 10 s)',
  reveals: 'spoofing and layering: many orders placed and pulled, few executed',
  keyKind: 'venue-symbol',
  inputs: ['order', 'trade'],
  defaults: { halfLifeMs: 10_000, warmupMs: 5_000 },
  create(params) {
    const p = { ...this.defaults, ...params };
    return state(p, new DecayingRate(p.halfLifeMs), new DecayingRate(p.halfLifeMs));
  },
  restore(json, params) {
    const p = { ...this.defaults, ...params };
    const [c, t] = json as [unknown, unknown];
    return state(p, DecayingRate.fromJSON(p.halfLifeMs, c), DecayingRate.fromJSON(p.halfLifeMs, t));
  },
};

function state(p: Params, cancels: DecayingRate, trades: DecayingRate): FeatureState {
  return {
    update({ event }) {
      if (event.type === 'order' && event.action === 'cancel') cancels.add(event.eventTime);
      else if (event.type === 'trade') trades.add(event.eventTime);
    },
    value() {
      // Math.max propagates NaN, so a side with no events yet is skipped explicitly.
      const lc = cancels.lastTime;
      const lt = trades.lastTime;
      const last = Number.isNaN(lc) ? lt : Number.isNaN(lt) ? lc : Math.max(lc, lt);
      if (Number.isNaN(last) || Math.max(cancels.ageAt(last), trades.ageAt(last)) < p.warmupMs)
        return undefined;
      const span = p.halfLifeMs / Math.LN2 / 1000;
      return (cancels.rateAt(last) * span) / (trades.rateAt(last) * span + 1);
    },
    toJSON: () => [cancels.toJSON(), trades.toJSON()],
  };
}
