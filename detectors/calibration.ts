import { ConfigError } from '../core/errors.ts';
import { P2Quantiles } from '../features/stats/p2Quantiles.ts';

/**
 * A stateful map from one key's raw detector scores to 0..1. Score first, then learn, as detectors
 * do: `score` never changes the state.
 */
export interface Calibrator {
  score(raw: number): number;
  learn(raw: number): void;
  toJSON(): unknown;
}

/** Parameters of {@link TailCalibrator}. */
export interface TailCalibratorParams {
  /** Probabilities the quantile sketch tracks; must include `tailFrom` and `tailBase`. */
  quantiles: readonly number[];
  /** Above this quantile the empirical CDF is replaced by an exponential tail. */
  tailFrom: number;
  /** Lower quantile that, with `tailFrom`, sets the tail's scale: β = (q_from - q_base) / ln((1 - base) / (1 - from)). */
  tailBase: number;
  /** Values per sketch generation: the history is the last one to two generations. */
  generation: number;
  /** Values learned before any score other than 0. */
  warmup: number;
  /**
   * Score = F(raw)^horizon, the probability that raw would be the largest of `horizon` ordinary
   * values. 1 gives the plain CDF. A threshold s is then crossed by ordinary data about once per
   * horizon / (1 - s) values.
   */
  horizon: number;
  /** Floor of the tail scale β, in raw units, so a constant history does not make every rise certain. */
  minScale: number;
  /** Values whose tail probability is below this are not learned: an anomaly must not become normal. */
  freezeTail: number;
  /** After this many consecutive frozen values the calibrator accepts the new level (learns extremes again). */
  relearnAfter: number;
}

export const tailCalibratorDefaults: TailCalibratorParams = {
  quantiles: [0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99],
  tailFrom: 0.99,
  tailBase: 0.9,
  generation: 10_000,
  warmup: 500,
  horizon: 1,
  minScale: 1e-9,
  freezeTail: 1e-4,
  relearnAfter: 1_000,
};

/**
 * Empirical CDF of a key's own recent raw scores with an exponential tail (peaks over threshold
 * with a fixed shape, as in SPOT): below the `tailFrom` quantile the score is the sketch's CDF;
 * above it 1 - F(x) = (1 - tailFrom)·exp(-(x - q_from)/β), so values beyond anything seen still rise
 * towards 1 instead of saturating at the observed maximum. The history is two P² sketches that take
 * turns: the current one fills while the previous (complete) one is still consulted, each weighted
 * by its count, so the calibration follows the last one to two `generation`s of values.
 */
export class TailCalibrator implements Calibrator {
  private prev: P2Quantiles | undefined;
  private cur: P2Quantiles;
  private skipped = 0;
  /** ln((1 - base) / (1 - from)), the number of tail scales between the two quantiles. */
  private readonly spread: number;

  constructor(readonly params: TailCalibratorParams) {
    const p = params;
    if (!p.quantiles.includes(p.tailFrom) || !p.quantiles.includes(p.tailBase) || !(p.tailBase < p.tailFrom))
      throw new ConfigError(
        `calibration: quantiles must include tailBase (${p.tailBase}) < tailFrom (${p.tailFrom})`,
      );
    if (!(p.horizon >= 1)) throw new ConfigError(`calibration: horizon must be at least 1, got ${p.horizon}`);
    if (!(p.generation >= p.warmup && p.warmup >= 2 * p.quantiles.length + 3))
      throw new ConfigError(
        `calibration: need generation >= warmup >= ${2 * p.quantiles.length + 3} (2 markers per quantile + 3)`,
      );
    this.spread = Math.log((1 - p.tailBase) / (1 - p.tailFrom));
    this.cur = new P2Quantiles(p.quantiles);
  }

  /** P(X > x) under one sketch, with the exponential tail above q_from. */
  private static tail(s: P2Quantiles, x: number, p: TailCalibratorParams, spread: number): number {
    const qFrom = s.quantile(p.tailFrom);
    if (x <= qFrom) return 1 - s.cdf(x);
    const beta = Math.max((qFrom - s.quantile(p.tailBase)) / spread, p.minScale);
    return (1 - p.tailFrom) * Math.exp(-(x - qFrom) / beta);
  }

  /** Estimated probability that an ordinary value of this key exceeds `raw`; NaN while warming up. */
  tailProbability(raw: number): number {
    const p = this.params;
    const curReady = this.cur.n >= p.warmup;
    if (!this.prev && !curReady) return Number.NaN;
    let w = 0;
    let t = 0;
    if (this.prev) {
      w += this.prev.n;
      t += this.prev.n * TailCalibrator.tail(this.prev, raw, p, this.spread);
    }
    if (curReady) {
      w += this.cur.n;
      t += this.cur.n * TailCalibrator.tail(this.cur, raw, p, this.spread);
    }
    return t / w;
  }

  score(raw: number): number {
    if (Number.isNaN(raw)) return 0;
    const t = this.tailProbability(raw);
    if (Number.isNaN(t)) return 0;
    const h = this.params.horizon;
    // F^h computed as exp(h·ln(1 - t)) so that tiny tail probabilities keep their precision.
    return h === 1 ? 1 - t : Math.exp(h * Math.log1p(-Math.min(t, 1)));
  }

  learn(raw: number): void {
    if (Number.isNaN(raw)) return;
    const p = this.params;
    // A level that persists for relearnAfter consecutive values is a new regime: from then on
    // extreme values are learned until an ordinary one arrives.
    if (this.tailProbability(raw) < p.freezeTail) {
      if (this.skipped < p.relearnAfter) {
        this.skipped++;
        return;
      }
    } else this.skipped = 0;
    this.cur.add(raw);
    if (this.cur.n >= p.generation) {
      this.prev = this.cur;
      this.cur = new P2Quantiles(p.quantiles);
    }
  }

  toJSON(): unknown {
    return {
      params: this.params,
      prev: this.prev?.toJSON() ?? null,
      cur: this.cur.toJSON(),
      skipped: this.skipped,
    };
  }

  static fromJSON(json: unknown): TailCalibrator {
    const j = json as { params: TailCalibratorParams; prev: unknown; cur: unknown; skipped: number };
    const c = new TailCalibrator(j.params);
    c.prev = j.prev === null ? undefined : P2Quantiles.fromJSON(j.prev);
    c.cur = P2Quantiles.fromJSON(j.cur);
    c.skipped = j.skipped;
    return c;
  }
}

/** A per-key calibrator factory with the defaults overridden by `params`. */
export function tailCalibrator(params: Partial<TailCalibratorParams> = {}): () => TailCalibrator {
  const p = { ...tailCalibratorDefaults, ...params };
  // Validate once, at configuration time, rather than at the first frame of the first key.
  new TailCalibrator(p);
  return () => new TailCalibrator(p);
}
