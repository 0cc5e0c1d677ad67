import { DataError } from '../../core/errors.ts';
import type { SupportBreak } from '../../schemas/score.ts';
import type { Detector, DetectorFactory } from '../detector.ts';
import { LstmCell } from './cell.ts';
import { firstPassageBelow } from './firstPassage.ts';
import type { LstmModel } from './model.ts';
import { SupportLevel } from './supportLevel.ts';

/** Added to the error sum before its logarithm: a perfect forecast scores low, not -Infinity. */
const LOG_FLOOR = 1e-6;

/** Per-key parameters of the LSTM detector (the network itself comes from the model file). */
export interface LstmParams {
  /** Network steps before any score other than 0: the hidden state needs about a window to settle. */
  warmup: number;
  /** Weight of a new log error sum in its running mean and variance (per learned vector). */
  alpha: number;
  /** Error sums learned before the running distribution is used. */
  normWarmup: number;
  /** Log error sums at or above this many running deviations are not learned: an anomaly must not become normal. */
  freezeZ: number;
  /** After this many consecutive frozen sums the running distribution accepts the new level. */
  relearnAfter: number;
  /** Feature holding the recent log return, and the horizon it is measured over (its default: 10 s). */
  returnFeature: string;
  returnHorizonMs: number;
  /**
   * The price is sampled at most every volSampleMs for the volatility: tick-to-tick returns are
   * mostly bid-ask bounce and would inflate the volatility at minute horizons several times over.
   */
  volSampleMs: number;
  /** Weight of a new sample in the exponential mean of squared returns per second (1/120: about 2 minutes). */
  volAlpha: number;
  /** Samples before the volatility is used. */
  volWarmup: number;
  /** Support = lowest price over this window, ending `supportLagMs` ago. */
  supportWindowMs: number;
  supportLagMs: number;
  /**
   * The level counts as broken once the price is this share below the support (the break level,
   * support × (1 − breakMargin)), not at a touch: a trade at the window's low tests the level.
   */
  breakMargin: number;
  /** Horizon of the support-break estimate the detector hands the pipeline (`supportBreakEstimate`). */
  breakHorizonMs: number;
}

export const lstmDefaults: Omit<LstmParams, 'warmup'> = {
  alpha: 0.001,
  normWarmup: 200,
  freezeZ: 4,
  relearnAfter: 5_000,
  returnFeature: 'mid_return',
  returnHorizonMs: 10_000,
  volSampleMs: 1_000,
  volAlpha: 1 / 120,
  volWarmup: 30,
  // Measured on the pump files' ordinary markets (docs/policy.md): a 5-minute low lagged 30 s,
  // broken at a touch, de-risked every key about 40 times a day.
  supportWindowMs: 4 * 3_600_000,
  supportLagMs: 300_000,
  breakMargin: 0.02,
  breakHorizonMs: 300_000,
};

/** What the LSTM says about a key's support level, for graded de-risking. */
export interface SupportBreakEstimate {
  /** Last observed price and the support level (NaN until known). */
  readonly price: number;
  readonly support: number;
  /** support × (1 − breakMargin): at or below it the level is broken. */
  readonly breakLevel: number;
  /** ln(price / breakLevel): how far above the break level, in log price. */
  readonly distance: number;
  /** Drift of the log price per second: the network's forecast of the return feature, spread over max(horizon, its own horizon). */
  readonly drift: number;
  /** Volatility of the log price per √s, from the price sampled every volSampleMs. */
  readonly volatility: number;
  readonly horizonMs: number;
  /** P(price reaches the break level within the horizon); 1 once broken; NaN when an input is unknown. */
  readonly probability: number;
  readonly broken: boolean;
}

/**
 * A per-key LSTM forecaster as an anomaly detector. The network (shared weights) predicts the next
 * standardised feature vector from the key's history; the detector advances its own (h, c) by one
 * step per learned vector, never re-running a window. The error sum is the sum over features of
 * the squared prediction error in units of that feature's held-out error scale; the raw score is
 * its logarithm standardised by the key's own running mean and deviation (so about 0 normally, in
 * deviations). The logarithm turns the sum's heavy, power-law-like tail into an exponential one,
 * the shape the calibrator's tail assumes.
 */
export class LstmDetector implements Detector {
  readonly name = 'lstm';
  readonly features: readonly string[];
  readonly params: LstmParams;
  private readonly cell: LstmCell;
  private readonly z: Float64Array;
  /** Squared standardised errors of the last vector scored or learned. */
  private readonly r2: Float64Array;
  private readonly retIdx: number;
  private seen = 0;
  private steps = 0;
  private nErr = 0;
  private mu = 0;
  private v = 0;
  private skip = 0;
  private support: SupportLevel;
  private price = Number.NaN;
  /** Event times of the first and the last price observed. */
  private firstPriceAt = Number.NaN;
  private lastPriceAt = Number.NaN;
  /** Volatility sampler: last sample's time and log price, variance per second, samples. */
  private volT = Number.NaN;
  private volLogP = Number.NaN;
  private volVar = 0;
  private volN = 0;

  constructor(
    readonly model: LstmModel,
    params: Partial<LstmParams> = {},
  ) {
    this.params = { warmup: model.manifest.hyper.window, ...lstmDefaults, ...params };
    this.features = model.manifest.features;
    const d = this.features.length;
    this.cell = new LstmCell(model.weights);
    this.z = new Float64Array(d);
    this.r2 = new Float64Array(d);
    this.retIdx = this.features.indexOf(this.params.returnFeature);
    this.support = new SupportLevel(this.params.supportWindowMs, this.params.supportLagMs);
  }

  /** ln(ε + Σ_j ((z_j − ẑ_j) / s_j)²) over the features present in x; NaN when none is. Fills r2 and e. */
  private logError(x: ArrayLike<number>): number {
    const e = this.errorSum(x);
    return Number.isNaN(e) ? e : Math.log(e + LOG_FLOOR);
  }

  /** Σ_j ((z_j − ẑ_j) / s_j)² over the features present in x; NaN when none is. Fills r2. */
  private errorSum(x: ArrayLike<number>): number {
    const { mean, invStd, invErrorScale } = this.model;
    const pred = this.cell.out;
    let e = 0;
    let present = 0;
    for (let j = 0; j < this.r2.length; j++) {
      const xj = x[j]!;
      if (Number.isNaN(xj)) {
        this.r2[j] = 0;
        continue;
      }
      const r = ((xj - mean[j]!) * invStd[j]! - pred[j]!) * invErrorScale[j]!;
      this.r2[j] = r * r;
      e += r * r;
      present++;
    }
    return present === 0 ? Number.NaN : e;
  }

  private get deviation(): number {
    return Math.max(Math.sqrt(this.v), 1e-9);
  }

  /** False until the first window of steps and the error normalisation's warm-up have passed. */
  get warm(): boolean {
    return this.steps >= this.params.warmup && this.nErr >= this.params.normWarmup;
  }

  score(x: ArrayLike<number>): number {
    if (!this.warm) return 0;
    const l = this.logError(x);
    return Number.isNaN(l) ? 0 : (l - this.mu) / this.deviation;
  }

  learn(x: ArrayLike<number>): void {
    const p = this.params;
    const d = this.z.length;
    if (this.steps >= p.warmup) {
      const l = this.logError(x);
      if (!Number.isNaN(l)) {
        const zs = this.nErr >= p.normWarmup ? (l - this.mu) / this.deviation : 0;
        if (zs < p.freezeZ || ++this.skip > p.relearnAfter) {
          this.skip = 0;
          const a = Math.max(1 / (this.nErr + 1), p.alpha);
          const dev = l - this.mu;
          this.mu += a * dev;
          this.v = (1 - a) * (this.v + a * dev * dev);
          this.nErr++;
        }
      }
    }
    if (++this.seen % this.model.manifest.hyper.stride !== 0) return;
    const { mean, invStd } = this.model;
    const clip = this.model.manifest.hyper.clip;
    for (let j = 0; j < d; j++) {
      const xj = x[j]!;
      // Standardise, then impute a missing (warming-up) feature with its mean, 0.
      this.z[j] = Number.isNaN(xj) ? 0 : Math.min(clip, Math.max(-clip, (xj - mean[j]!) * invStd[j]!));
    }
    this.cell.step(this.z);
    this.steps++;
  }

  /** Each feature's share of the standardised squared error of x (sums to 1; zeros while warming up). */
  explain(x: ArrayLike<number>): Float64Array {
    const out = new Float64Array(this.r2.length);
    if (!this.warm) return out;
    const e = this.errorSum(x);
    if (!(e > 0)) return out;
    for (let j = 0; j < out.length; j++) out[j] = this.r2[j]! / e;
    return out;
  }

  /** The network's forecast of the next vector, in the features' own units. */
  forecast(): Float64Array {
    const { mean, manifest } = this.model;
    const std = manifest.normalisation.std;
    return Float64Array.from(this.cell.out, (z, j) => z * std[j]! + mean[j]!);
  }

  /** Feeds the key's price (the frame's mid) with its event time, for the support level. */
  observePrice(eventTime: number, price: number): void {
    if (!(price > 0)) return;
    this.price = price;
    if (Number.isNaN(this.firstPriceAt)) this.firstPriceAt = eventTime;
    this.lastPriceAt = eventTime;
    this.support.observe(eventTime, price);
    const p = this.params;
    if (Number.isNaN(this.volT)) {
      this.volT = eventTime;
      this.volLogP = Math.log(price);
    } else if (eventTime - this.volT >= p.volSampleMs) {
      const logP = Math.log(price);
      const r = logP - this.volLogP;
      const x = (r * r) / ((eventTime - this.volT) / 1000);
      this.volVar += Math.max(1 / (this.volN + 1), p.volAlpha) * (x - this.volVar);
      this.volN++;
      this.volT = eventTime;
      this.volLogP = logP;
    }
  }

  /**
   * Probability that the price breaks its support within `horizonMs`, i.e. reaches the break level
   * `breakMargin` below it: log price as a Brownian motion whose drift is the network's forecast of
   * the return feature (per second) and whose volatility comes from the sampled price, first
   * passage below the break level (see firstPassage.ts).
   */
  supportBreak(horizonMs: number): SupportBreakEstimate {
    const support = this.support.level;
    const breakLevel = support * (1 - this.params.breakMargin);
    const distance = Math.log(this.price / breakLevel);
    const std = this.model.manifest.normalisation.std;
    // The forecast is of one return-horizon's move (10 s); beyond it the network knows nothing, so
    // the move is spread over the horizon rather than extrapolated as a trend. Without a forecast
    // (no return feature in the model, no step yet) there is no drift.
    const drift =
      this.retIdx >= 0 && this.steps > 0
        ? (this.cell.out[this.retIdx]! * std[this.retIdx]! + this.model.mean[this.retIdx]!) /
          (Math.max(horizonMs, this.params.returnHorizonMs) / 1000)
        : 0;
    const volatility = this.volN >= this.params.volWarmup ? Math.sqrt(this.volVar) : Number.NaN;
    return {
      price: this.price,
      support,
      breakLevel,
      distance,
      drift,
      volatility,
      horizonMs,
      probability: firstPassageBelow(distance, drift, volatility, horizonMs / 1000),
      broken: distance <= 0,
    };
  }

  /**
   * The support-break estimate over `breakHorizonMs` as the pipeline carries it (schemas/score.ts
   * SupportBreak); undefined until the volatility is known and the key's prices span the support's
   * whole window and lag (4 h 5 min by default). Earlier the "support" is the minimum of a short
   * stretch, which an ordinary wiggle breaks (on a random walk the first estimate, at 30 s, was
   * already broken, and the policy cut 80 % at once).
   */
  supportBreakEstimate(): SupportBreak | undefined {
    const p = this.params;
    if (!(this.lastPriceAt - this.firstPriceAt >= p.supportLagMs + p.supportWindowMs)) return undefined;
    const e = this.supportBreak(p.breakHorizonMs);
    if (!Number.isFinite(e.probability)) return undefined;
    return {
      detector: this.name,
      probability: e.probability,
      support: e.support,
      breakLevel: e.breakLevel,
      price: e.price,
      horizonMs: e.horizonMs,
      // From the prices themselves: ln(price / breakLevel) can round to 0 a hair above the level.
      broken: e.price <= e.breakLevel,
      drift: e.drift,
      volatility: e.volatility,
    };
  }

  toJSON(): unknown {
    return {
      kind: 'lstm',
      model: this.model.fingerprint,
      params: this.params,
      h: Array.from(this.cell.h),
      c: Array.from(this.cell.c),
      s: [this.seen, this.steps, this.nErr, this.mu, this.v, this.skip],
      price: Number.isNaN(this.price) ? null : this.price,
      priceSpan: Number.isNaN(this.firstPriceAt) ? null : [this.firstPriceAt, this.lastPriceAt],
      vol: Number.isNaN(this.volT) ? null : [this.volT, this.volLogP, this.volVar, this.volN],
      support: this.support.toJSON(),
    };
  }

  /** Restores a snapshot taken by toJSON with the same model. */
  static restore(model: LstmModel, json: unknown): LstmDetector {
    const j = json as {
      model: string;
      params: LstmParams;
      h: number[];
      c: number[];
      s: number[];
      price: number | null;
      /** Absent in checkpoints taken before it existed: their keys had long histories. */
      priceSpan?: [number, number] | null;
      vol: [number, number, number, number] | null;
      support: unknown;
    };
    if (j.model !== model.fingerprint)
      throw new DataError(
        `LSTM checkpoint was taken with model ${j.model}, but model ${model.fingerprint} is loaded`,
      );
    const det = new LstmDetector(model, j.params);
    det.cell.restore(j.h, j.c);
    [det.seen, det.steps, det.nErr, det.mu, det.v, det.skip] = j.s as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    det.price = j.price ?? Number.NaN;
    if (j.priceSpan) [det.firstPriceAt, det.lastPriceAt] = j.priceSpan;
    // An older checkpoint's key has a history: from its next price on, its span counts as long.
    else if (j.priceSpan === undefined && j.price !== null)
      det.firstPriceAt = det.lastPriceAt = -Number.MAX_SAFE_INTEGER;
    if (j.vol) [det.volT, det.volLogP, det.volVar, det.volN] = j.vol;
    det.support = SupportLevel.fromJSON(j.params.supportWindowMs, j.params.supportLagMs, j.support);
    return det;
  }
}

/** The LSTM detector kind for one loaded model: every key's detector shares its weights. */
export function lstmDetector(model: LstmModel): DetectorFactory<Partial<LstmParams>, LstmDetector> {
  return {
    kind: 'lstm',
    create: (params) => new LstmDetector(model, params),
    fromJSON: (json) => LstmDetector.restore(model, json),
  };
}
