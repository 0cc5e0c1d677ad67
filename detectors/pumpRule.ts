import { ConfigError } from '../core/errors.ts';
import type { Detector, DetectorFactory } from './detector.ts';

/** One condition of the pump rule: a feature measured against the key's own running baseline. */
export interface PumpCondition {
  readonly feature: string;
  /** `log1p` for counts and rates (their spread grows with their level), `identity` otherwise. */
  readonly transform: 'log1p' | 'identity';
  /** Floor on the baseline's deviation, in transformed units, so a dead-quiet coin does not turn noise into sigmas. */
  readonly minStd: number;
}

/** Parameters of the pump-onset rule. */
export interface PumpRuleParams {
  readonly conditions: readonly PumpCondition[];
  /** Weight of a new observation in the running baselines (per vector). */
  readonly alpha: number;
  /** Vectors with every feature present before the rule may fire. */
  readonly warmup: number;
  /** A baseline does not learn a value this many deviations above it (an anomaly must not become normal). */
  readonly freezeZ: number;
  /** After this many consecutive skipped values a baseline accepts the new level. */
  readonly relearnAfter: number;
}

/**
 * Defaults: a trade burst (trades per second) and a rising 10 s price return, each against the
 * coin's own history. Requiring the rise separates a pump from a dump and from a one-sided sell
 * sweep, which the two-sided burst rule also flags. `rush_orders` (La Morgia et al. 2020) as a
 * third condition was measured and left out: its 60 s count grows too slowly in a pump's first
 * seconds, so it lowered recall (docs/detectors.md).
 */
export const pumpRuleDefaults: PumpRuleParams = {
  conditions: [
    { feature: 'trade_intensity', transform: 'log1p', minStd: 0.25 },
    { feature: 'mid_return', transform: 'identity', minStd: 2e-4 },
  ],
  alpha: 0.0005,
  warmup: 500,
  freezeZ: 3,
  relearnAfter: 20_000,
};

/**
 * Pump onset, per key: every condition's feature is at least so many standard deviations above
 * the key's own running baseline (exponentially weighted mean and variance of the transformed
 * value). The raw score is the smallest of the upward z-scores: all must be unusual at once. Only
 * rises count (a fall in rush orders or price is no pump). Labels play no part; the baselines see
 * only the past (score first, then learn).
 */
export class PumpRule implements Detector {
  readonly name = 'pump-rule';
  readonly features: readonly string[];
  private n = 0;
  private readonly mean: Float64Array;
  private readonly variance: Float64Array;
  private readonly skipped: Float64Array;
  private readonly z: Float64Array;

  constructor(readonly params: PumpRuleParams) {
    if (params.conditions.length === 0) throw new ConfigError('pump-rule: give at least one condition');
    if (!(params.alpha > 0 && params.alpha < 1)) throw new ConfigError('pump-rule: alpha must be in (0, 1)');
    this.features = params.conditions.map((c) => c.feature);
    const k = params.conditions.length;
    this.mean = new Float64Array(k);
    this.variance = new Float64Array(k);
    this.skipped = new Float64Array(k);
    this.z = new Float64Array(k);
  }

  get warm(): boolean {
    return this.n >= this.params.warmup;
  }

  /** Fills `this.z` with each condition's signed z-score; false if a feature is missing. */
  private zScores(x: ArrayLike<number>): boolean {
    const cs = this.params.conditions;
    for (let i = 0; i < cs.length; i++) {
      const v = x[i]!;
      if (Number.isNaN(v)) return false;
      const c = cs[i]!;
      const t = c.transform === 'log1p' ? Math.log1p(Math.max(0, v)) : v;
      this.z[i] = (t - this.mean[i]!) / Math.max(Math.sqrt(this.variance[i]!), c.minStd);
    }
    return true;
  }

  score(x: ArrayLike<number>): number {
    if (!this.warm || !this.zScores(x)) return 0;
    let m = Infinity;
    for (let i = 0; i < this.z.length; i++) m = Math.min(m, this.z[i]!);
    return Math.max(0, m);
  }

  learn(x: ArrayLike<number>): void {
    const cs = this.params.conditions;
    for (let i = 0; i < cs.length; i++) if (Number.isNaN(x[i]!)) return;
    const warm = this.warm;
    if (warm) this.zScores(x);
    const a = warm ? this.params.alpha : Math.max(1 / (this.n + 1), this.params.alpha);
    for (let i = 0; i < cs.length; i++) {
      // Values far above the baseline are skipped (a pump must not teach the baseline that pumps
      // are normal); a shift that persists for relearnAfter vectors is a new regime and is learned.
      if (warm && this.z[i]! >= this.params.freezeZ && ++this.skipped[i]! <= this.params.relearnAfter)
        continue;
      this.skipped[i] = 0;
      const v = x[i]!;
      const t = cs[i]!.transform === 'log1p' ? Math.log1p(Math.max(0, v)) : v;
      if (this.n === 0) this.mean[i] = t;
      const d = t - this.mean[i]!;
      this.mean[i] = this.mean[i]! + a * d;
      this.variance[i] = (1 - a) * (this.variance[i]! + a * d * d);
    }
    this.n++;
  }

  /** Each condition's upward z-score (0 below the baseline); the smallest is the score. */
  explain(x: ArrayLike<number>): Float64Array {
    const out = new Float64Array(this.z.length);
    if (!this.warm || !this.zScores(x)) return out;
    for (let i = 0; i < out.length; i++) out[i] = Math.max(0, this.z[i]!);
    return out;
  }

  toJSON(): unknown {
    return {
      params: this.params,
      n: this.n,
      mean: Array.from(this.mean),
      variance: Array.from(this.variance),
      skipped: Array.from(this.skipped),
    };
  }
}

export const pumpRule: DetectorFactory<Partial<PumpRuleParams>, PumpRule> = {
  kind: 'pump-rule',
  create: (params) => new PumpRule({ ...pumpRuleDefaults, ...params }),
  fromJSON(json) {
    const j = json as {
      params: PumpRuleParams;
      n: number;
      mean: number[];
      variance: number[];
      skipped: number[];
    };
    const d = new PumpRule(j.params);
    const self = d as unknown as {
      n: number;
      mean: Float64Array;
      variance: Float64Array;
      skipped: Float64Array;
    };
    self.n = j.n;
    self.mean.set(j.mean);
    self.variance.set(j.variance);
    self.skipped.set(j.skipped);
    return d;
  },
};
