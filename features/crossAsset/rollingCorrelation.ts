import { RollingCovariance } from '../stats/rollingCovariance.ts';
import type { CrossFeature, CrossInput } from './crossFeature.ts';
import type { FeatureState } from '../feature.ts';

type Params = { windowSamples: number };

/** Log returns of both legs between consecutive samples; NaN before the second sample. */
export class PairReturns {
  prevA = Number.NaN;
  prevB = Number.NaN;
  ra = Number.NaN;
  rb = Number.NaN;
  update(x: CrossInput): void {
    this.ra = Math.log(x.a / this.prevA);
    this.rb = Math.log(x.b / this.prevB);
    this.prevA = x.a;
    this.prevB = x.b;
  }
  toJSON(): [number | null, number | null] {
    return [Number.isNaN(this.prevA) ? null : this.prevA, Number.isNaN(this.prevB) ? null : this.prevB];
  }
  static fromJSON(j: unknown): PairReturns {
    const r = new PairReturns();
    const [a, b] = j as [number | null, number | null];
    r.prevA = a ?? Number.NaN;
    r.prevB = b ?? Number.NaN;
    return r;
  }
}

/** Pearson correlation of the two legs' grid log returns over the last `windowSamples` samples. */
export function rollingCorrelation(name: string, windowSamples: number, label: string): CrossFeature<Params> {
  return {
    name,
    family: 'cross-asset',
    unit: 'correlation in [-1, 1]',
    description: `Rolling Pearson correlation of the two legs' returns over ${label}.`,
    formula: 'corr(r_a, r_b) over the last N grid samples, r = ln(p_k / p_{k-1})',
    window: `sliding, windowSamples = ${windowSamples} grid samples (${label} at the default 500 ms step)`,
    reveals:
      'decoupling of normally co-moving assets or venues: one leg moved by manipulation, a broken arbitrage link',
    keyKind: 'asset-pair',
    pairKinds: ['cross-asset', 'cross-venue'],
    inputs: ['book', 'ticker', 'trade'],
    defaults: { windowSamples },
    create(params) {
      const p = { ...this.defaults, ...params };
      return state(new PairReturns(), new RollingCovariance(p.windowSamples));
    },
    restore(json, params) {
      const p = { ...this.defaults, ...params };
      const j = json as { r: unknown; c: unknown };
      return state(PairReturns.fromJSON(j.r), RollingCovariance.fromJSON(j.c, p.windowSamples));
    },
  };
}

function state(r: PairReturns, cov: RollingCovariance): FeatureState<CrossInput> {
  return {
    update(x) {
      r.update(x);
      if (Number.isFinite(r.ra) && Number.isFinite(r.rb)) cov.add(r.ra, r.rb);
    },
    value() {
      if (!cov.full) return undefined;
      const c = cov.correlation();
      return Number.isNaN(c) ? undefined : c;
    },
    toJSON: () => ({ r: r.toJSON(), c: cov.toJSON() }),
  };
}

export const correlation1m = rollingCorrelation('correlation_1m', 120, '1 min');
export const correlation5m = rollingCorrelation('correlation_5m', 600, '5 min');
