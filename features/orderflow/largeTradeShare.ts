import type { Feature, FeatureState } from '../feature.ts';
import { TimeEwma } from '../stats/ewma.ts';
import { RollingSums } from '../stats/rollingSums.ts';

type Params = { windowMs: number; baselineHalfLifeMs: number; multiple: number; warmupMs: number };

/**
 * Share of the window's volume traded in large trades: those of at least `multiple` times the
 * key's long-run mean trade size (a decaying mean over about ten minutes, taken before the trade
 * itself is counted, so a block cannot hide itself by raising the bar).
 */
export const largeTradeShare: Feature<Params> = {
  name: 'large_trade_share',
  family: 'order-flow',
  unit: 'ratio in [0, 1]',
  description: 'Volume share of trades at least `multiple` times the long-run mean trade size.',
  formula: 'sum q_i [q_i >= m * EWMA_h(q) before i] / sum q_i over trades in (t - W, t]',
  window: 'sliding, windowMs (default 60 s); baseline exponential, half-life baselineHalfLifeMs (10 min)',
  reveals: 'whale and insider activity: volume concentrated in a few blocks before news or a pump',
  keyKind: 'venue-symbol',
  inputs: ['trade'],
  defaults: { windowMs: 60_000, baselineHalfLifeMs: 600_000, multiple: 5, warmupMs: 60_000 },
  create(params) {
    const p = { ...this.defaults, ...params };
    return state(p, new RollingSums(p.windowMs, 2), new TimeEwma(p.baselineHalfLifeMs));
  },
  restore(json, params) {
    const p = { ...this.defaults, ...params };
    const j = json as { s: unknown; e: unknown };
    return state(p, RollingSums.fromJSON(j.s, p.windowMs, 2), TimeEwma.fromJSON(p.baselineHalfLifeMs, j.e));
  },
};

function state(p: Params, sums: RollingSums, baseline: TimeEwma): FeatureState {
  return {
    update({ event }) {
      if (event.type !== 'trade') return;
      const q = event.quantity;
      const large = baseline.count > 0 && q >= p.multiple * baseline.value;
      sums.add(event.eventTime, large ? q : 0, q);
      baseline.update(q, event.eventTime);
    },
    value() {
      if (Number.isNaN(sums.now) || sums.age < p.warmupMs) return undefined;
      const total = sums.sum(1);
      return total > 0 ? sums.sum(0) / total : 0;
    },
    toJSON: () => ({ s: sums.toJSON(), e: baseline.toJSON() }),
  };
}
