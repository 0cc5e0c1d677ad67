import type { Feature, FeatureState } from '../feature.ts';
import { RollingSums } from '../stats/rollingSums.ts';

type Params = { windowMs: number; warmupMs: number };

/**
 * Order flow imbalance at the touch (Cont, Kukanov and Stoikov 2014): each change of the best
 * quotes adds the bid-side arrivals minus ask-side arrivals it implies; summed over the window
 * and scaled by the window's mean touch depth, so it compares across symbols.
 */
export const orderFlowImbalance: Feature<Params> = {
  name: 'order_flow_imbalance',
  family: 'order-flow',
  unit: 'multiples of mean touch depth',
  description: 'Net order flow at the best quotes, inferred from touch changes, over mean touch depth.',
  formula:
    'sum e_n / mean((qb_n + qa_n) / 2); e_n = qb_n[b_n >= b_{n-1}] - qb_{n-1}[b_n <= b_{n-1}] - qa_n[a_n <= a_{n-1}] + qa_{n-1}[a_n >= a_{n-1}]',
  window: 'sliding, windowMs (default 10 s)',
  reveals: 'spoofing and layering pressure on one side of the touch; the short-term price impact it drives',
  keyKind: 'venue-symbol',
  inputs: ['book', 'ticker'],
  defaults: { windowMs: 10_000, warmupMs: 10_000 },
  create(params) {
    const p = { ...this.defaults, ...params };
    return state(p, new RollingSums(p.windowMs, 2), new Float64Array([NaN, NaN, NaN, NaN]));
  },
  restore(json, params) {
    const p = { ...this.defaults, ...params };
    const j = json as { s: unknown; prev: (number | null)[] };
    return state(
      p,
      RollingSums.fromJSON(j.s, p.windowMs, 2),
      Float64Array.from(j.prev, (x) => x ?? NaN),
    );
  },
};

/** prev = [bid, bid qty, ask, ask qty] of the last known touch. */
function state(p: Params, sums: RollingSums, prev: Float64Array): FeatureState {
  return {
    update({ event, book }) {
      const b = book.bidPrice(0);
      const bq = book.bidQty(0);
      const a = book.askPrice(0);
      const aq = book.askQty(0);
      if (Number.isNaN(b) || Number.isNaN(a)) {
        sums.advance(event.eventTime);
        return;
      }
      const pb = prev[0]!;
      const pbq = prev[1]!;
      const pa = prev[2]!;
      const paq = prev[3]!;
      if (Number.isNaN(pb)) sums.advance(event.eventTime);
      else {
        const e = (b >= pb ? bq : 0) - (b <= pb ? pbq : 0) - (a <= pa ? aq : 0) + (a >= pa ? paq : 0);
        sums.add(event.eventTime, e, (bq + aq) / 2);
      }
      prev[0] = b;
      prev[1] = bq;
      prev[2] = a;
      prev[3] = aq;
    },
    value() {
      if (Number.isNaN(sums.now) || sums.age < p.warmupMs) return undefined;
      if (sums.count === 0) return 0;
      const depth = sums.sum(1) / sums.count;
      return depth > 0 ? sums.sum(0) / depth : 0;
    },
    toJSON: () => ({ s: sums.toJSON(), prev: Array.from(prev, (x) => (Number.isNaN(x) ? null : x)) }),
  };
}
