import type { Detector, DetectorFactory } from './detector.ts';

/** Parameters of the price-move-with-trade-burst rule. */
export interface BurstRuleParams {
  /** Feature carrying trades per second. */
  rateFeature: string;
  /** Feature carrying the recent log return of the price. */
  returnFeature: string;
  /** Weight of a new observation in the running baselines (per vector). */
  alpha: number;
  /** Vectors with both features present before the rule may fire. */
  warmup: number;
  /** While both z-scores are at or above this, the baselines do not learn: an anomaly must not become normal. */
  freezeZ: number;
  /** After this many consecutive skipped vectors a baseline accepts the new level. */
  relearnAfter: number;
  /** Floors on the baselines' deviations, so a dead-quiet market does not turn noise into sigmas. */
  minRateStd: number;
  minReturnStd: number;
}

export const burstRuleDefaults: BurstRuleParams = {
  rateFeature: 'trade_intensity',
  returnFeature: 'mid_return',
  alpha: 0.0005,
  warmup: 500,
  freezeZ: 3,
  relearnAfter: 20_000,
  minRateStd: 0.25,
  minReturnStd: 2e-4,
};

/**
 * An explicit rule, per key: a price move and a trade burst at the same time, each measured in
 * standard deviations against the key's own running baseline (exponentially weighted mean and
 * variance; log of the trade rate). The raw score is the smaller of the two z-scores: both must be
 * unusual, which is what separates a pump or a crash from an ordinary busy minute or a quiet drift.
 */
export class BurstRule implements Detector {
  readonly name = 'burst-rule';
  readonly features: readonly string[];
  private n = 0;
  private mRate = 0;
  private vRate = 0;
  private mRet = 0;
  private vRet = 0;
  private skipRate = 0;
  private skipRet = 0;

  constructor(readonly params: BurstRuleParams) {
    this.features = [params.rateFeature, params.returnFeature];
  }

  private z(x: ArrayLike<number>): [number, number] {
    const rate = Math.log1p(x[0]!);
    const ret = x[1]!;
    const zRate = (rate - this.mRate) / Math.max(Math.sqrt(this.vRate), this.params.minRateStd);
    const zRet = Math.abs(ret - this.mRet) / Math.max(Math.sqrt(this.vRet), this.params.minReturnStd);
    return [zRate, zRet];
  }

  score(x: ArrayLike<number>): number {
    if (this.n < this.params.warmup || Number.isNaN(x[0]!) || Number.isNaN(x[1]!)) return 0;
    const [zRate, zRet] = this.z(x);
    return Math.max(0, Math.min(zRate, zRet));
  }

  learn(x: ArrayLike<number>): void {
    const rawRate = x[0]!;
    const ret = x[1]!;
    if (Number.isNaN(rawRate) || Number.isNaN(ret)) return;
    const rate = Math.log1p(rawRate);
    if (this.n === 0) {
      this.mRate = rate;
      this.mRet = ret;
    }
    const warm = this.n >= this.params.warmup;
    const a = warm ? this.params.alpha : Math.max(1 / (this.n + 1), this.params.alpha);
    // Each baseline skips values it finds anomalous (|z| >= freezeZ): learning them, even
    // winsorised, would let a sustained anomaly inflate the variance and hide itself. A shift that
    // persists for relearnAfter vectors is a new regime and is learned after all.
    const [zRate, zRet] = warm ? this.z(x) : [0, 0];
    if (zRate < this.params.freezeZ || ++this.skipRate > this.params.relearnAfter) {
      this.skipRate = 0;
      const d = rate - this.mRate;
      this.mRate += a * d;
      this.vRate = (1 - a) * (this.vRate + a * d * d);
    }
    if (zRet < this.params.freezeZ || ++this.skipRet > this.params.relearnAfter) {
      this.skipRet = 0;
      const d = ret - this.mRet;
      this.mRet += a * d;
      this.vRet = (1 - a) * (this.vRet + a * d * d);
    }
    this.n++;
  }

  explain(x: ArrayLike<number>): Float64Array {
    const out = new Float64Array(2);
    if (this.n < this.params.warmup || Number.isNaN(x[0]!) || Number.isNaN(x[1]!)) return out;
    const [zRate, zRet] = this.z(x);
    out[0] = Math.max(0, zRate);
    out[1] = Math.max(0, zRet);
    return out;
  }

  toJSON(): unknown {
    return {
      params: this.params,
      s: [this.n, this.mRate, this.vRate, this.mRet, this.vRet, this.skipRate, this.skipRet],
    };
  }
}

export const burstRule: DetectorFactory<Partial<BurstRuleParams>, BurstRule> = {
  kind: 'burst-rule',
  create: (params) => new BurstRule({ ...burstRuleDefaults, ...params }),
  fromJSON(json) {
    const j = json as { params: BurstRuleParams; s: number[] };
    const d = new BurstRule(j.params);
    const self = d as unknown as Record<
      'n' | 'mRate' | 'vRate' | 'mRet' | 'vRet' | 'skipRate' | 'skipRet',
      number
    >;
    [self.n, self.mRate, self.vRate, self.mRet, self.vRet, self.skipRate, self.skipRet] = j.s as number[] as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    return d;
  },
};
