import type { InputEvent } from '../../schemas/event.ts';
import type { Feature, FeatureState } from '../feature.ts';
import { DecayingRate } from '../stats/ewma.ts';

type Params = { shortHalfLifeMs: number; longHalfLifeMs: number; floorPerSec: number; warmupMs: number };

/** Quote messages in one event: order entries and changes, changed book levels, a best-quote update. */
function messages(e: InputEvent): number {
  if (e.type === 'order') return e.action === 'fill' ? 0 : 1;
  if (e.type === 'book') return e.kind === 'update' ? e.bids.length + e.asks.length : 0;
  return e.type === 'ticker' ? 1 : 0;
}

/**
 * Burst score of quote traffic: the message rate over about a second against its own rate over
 * about a minute. Near 1 in a steady market; a burst of many quotes that do not trade shows as a
 * multiple. Book diffs count their changed levels, so public L2 feeds give it too.
 */
export const quoteStuffing: Feature<Params> = {
  name: 'quote_stuffing_score',
  family: 'order-flow',
  unit: 'ratio',
  description: 'Short-horizon quote message rate over its long-horizon baseline.',
  formula:
    'rate_h1(messages) / max(rate_h2(messages), floorPerSec); messages = orders (not fills) + changed book levels + tickers',
  window: 'exponential, half-lives shortHalfLifeMs (1 s) and longHalfLifeMs (60 s)',
  reveals: 'quote stuffing: message bursts that slow other participants and hide intent',
  keyKind: 'venue-symbol',
  inputs: ['order', 'book', 'ticker'],
  defaults: { shortHalfLifeMs: 1_000, longHalfLifeMs: 60_000, floorPerSec: 1, warmupMs: 30_000 },
  create(params) {
    const p = { ...this.defaults, ...params };
    return state(p, new DecayingRate(p.shortHalfLifeMs), new DecayingRate(p.longHalfLifeMs));
  },
  restore(json, params) {
    const p = { ...this.defaults, ...params };
    const [s, l] = json as [unknown, unknown];
    return state(p, DecayingRate.fromJSON(p.shortHalfLifeMs, s), DecayingRate.fromJSON(p.longHalfLifeMs, l));
  },
};

function state(p: Params, short: DecayingRate, long: DecayingRate): FeatureState {
  return {
    update({ event }) {
      const n = messages(event);
      if (n === 0) return;
      short.add(event.eventTime, n);
      long.add(event.eventTime, n);
    },
    value() {
      const t = long.lastTime;
      if (Number.isNaN(t) || long.ageAt(t) < p.warmupMs) return undefined;
      return short.rateAt(t) / Math.max(long.rateAt(t), p.floorPerSec);
    },
    toJSON: () => [short.toJSON(), long.toJSON()],
  };
}
