import type { Feature, FeatureState } from '../feature.ts';
import { DecayingSum } from '../stats/decayingSum.ts';

type Params = {
  halfLifeMs: number;
  /** Orders of one account on one side, at distinct prices, cancelled within `pullMs` of each other. */
  minLayers: number;
  pullMs: number;
  /** Orders that lived longer than this are not layers (ordinary resting liquidity). */
  maxLifeMs: number;
  /**
   * Each layer at least this many times the key's typical new-order size (geometric running mean,
   * which rises when market makers re-quote more often; 5, see docs/simulator.md). The size is
   * only a filter: a pull of four or more orders at once is the evidence.
   */
  sizeMultiple: number;
  /** Placement times remembered per key (oldest dropped first). */
  maxTracked: number;
};

/**
 * Layering: one account pulls a stack of orders on several price levels of one side at once,
 * shortly after placing them. Each such pull counts once; the count decays.
 */
export const layerPulls: Feature<Params> = {
  name: 'layer_pulls',
  family: 'order-flow',
  unit: 'pulls (decaying count)',
  description: 'Stacks of same-side orders at several prices, placed and cancelled together by one account.',
  formula:
    'sum_k 0.5^((t - t_k)/h) over pulls k: >= minLayers cancels of one account and side at distinct prices within pullMs, each order younger than maxLifeMs and >= sizeMultiple * exp(EWMA ln qty)',
  window: 'exponential, half-life halfLifeMs (default 30 s)',
  reveals: 'layering: a wall of orders suggesting pressure, pulled before it can trade',
  keyKind: 'venue-symbol',
  inputs: ['order'],
  defaults: {
    halfLifeMs: 30_000,
    minLayers: 4,
    pullMs: 250,
    maxLifeMs: 15_000,
    sizeMultiple: 5,
    maxTracked: 4096,
  },
  create(params) {
    const p = { ...this.defaults, ...params };
    return state(p, new DecayingSum(p.halfLifeMs), new Map(), [], { n: 0, logSize: 0 });
  },
  restore(json, params) {
    const p = { ...this.defaults, ...params };
    const j = json as { d: unknown; o: [string, number][]; r: Recent[]; s: TypicalSize };
    return state(p, DecayingSum.fromJSON(p.halfLifeMs, j.d), new Map(j.o), j.r, { ...j.s });
  },
};

interface Recent {
  t: number;
  account: string;
  side: string;
  price: number;
  counted: boolean;
}

/** Running mean of log order size: its exponential is the typical (geometric mean) size. */
interface TypicalSize {
  n: number;
  logSize: number;
}

function state(
  p: Params,
  count: DecayingSum,
  placed: Map<string, number>,
  recent: Recent[],
  typical: TypicalSize,
): FeatureState {
  return {
    update({ event }) {
      if (event.type !== 'order') return;
      // Decay to the key's event time, so the count falls between pulls (adding 0 moves its clock).
      count.add(0, event.eventTime);
      if (event.action === 'new') {
        if (!(event.quantity > 0)) return;
        const large = typical.n >= 200 && event.quantity >= p.sizeMultiple * Math.exp(typical.logSize);
        typical.n++;
        typical.logSize += Math.max(1 / typical.n, 0.001) * (Math.log(event.quantity) - typical.logSize);
        // Only orders large enough to be a layer are remembered.
        if (!large) return;
        placed.set(event.orderId, event.eventTime);
        if (placed.size > p.maxTracked) placed.delete(placed.keys().next().value!);
        return;
      }
      if (event.action !== 'cancel') return;
      const at = placed.get(event.orderId);
      placed.delete(event.orderId);
      if (at === undefined || event.eventTime - at > p.maxLifeMs) return;
      const t = event.eventTime;
      while (recent.length && recent[0]!.t < t - p.pullMs) recent.shift();
      recent.push({ t, account: event.account, side: event.side, price: event.price, counted: false });
      const same = recent.filter((r) => r.account === event.account && r.side === event.side);
      if (new Set(same.map((r) => r.price)).size >= p.minLayers && same.every((r) => !r.counted)) {
        for (const r of same) r.counted = true;
        count.add(1, t);
      }
    },
    value: () => (Number.isNaN(count.lastTime) ? 0 : count.valueAt(count.lastTime)),
    toJSON: () => ({ d: count.toJSON(), o: [...placed], r: recent, s: { ...typical } }),
  };
}
