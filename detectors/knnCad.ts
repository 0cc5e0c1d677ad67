import { gramWhitening } from './gramWhitening.ts';
import type { UnivariateContext, UnivariateDetector } from './univariate.ts';

/** Options of KNN-CAD; the defaults are those its authors tuned for NAB. */
export interface KnnCadOptions {
  /** Neighbours whose distances are summed into the nonconformity measure. */
  readonly k?: number;
  /** Length of the lagged window that forms one point. */
  readonly dim?: number;
  /** A p-value at or above this starts a rest period. */
  readonly alarmLevel?: number;
  /** Rest period after an alarm, as a fraction of the probationary length. */
  readonly restFraction?: number;
}

/** What one value did to the model. */
export interface KnnCadStep {
  /** False while the model is still collecting its training set. */
  readonly active: boolean;
  /** Conformal p-value: share of calibration scores below this point's nonconformity. */
  readonly pValue: number;
  /** Nonconformity over the largest calibration score (capped at 1e6); above 1 is a new extreme. */
  readonly ratio: number;
  /** True inside the rest period that follows an alarm. */
  readonly resting: boolean;
}

/**
 * KNN-CAD (Burnaev & Ishimtsev, "Conformalized density- and distance-based anomaly detection in
 * time-series data", 2016), as submitted to NAB: each point is the window of the last `dim`
 * values; its nonconformity is the sum of the squared distances, under the metric (XᵀX)⁻¹ of the
 * training set, to its k nearest training points; the p-value ranks it among the nonconformities
 * of the last rows (the calibration set). The first probationary rows are the training set; later
 * the training set slides, lagging one probationary length behind.
 */
export function createKnnCadModel(
  context: UnivariateContext,
  { k = 27, dim = 19, alarmLevel = 0.9965, restFraction = 0.2 }: KnnCadOptions = {},
): { step(value: number): KnnCadStep } {
  const period = Math.max(context.probationaryLength, dim + k + 2);
  const lags = new Float64Array(dim);
  let count = 0;
  const training: Float64Array[] = [];
  let trainingT: Float64Array[] = [];
  const calibration: Float64Array[] = [];
  let scores: number[] = [];
  let whiten: (x: Float64Array) => Float64Array = (x) => x;
  let rest = -1;
  const nearest = new Float64Array(k + 1);

  // Sum of the `n` smallest squared distances from y to the training points.
  const nonconformity = (y: Float64Array, n: number): number => {
    let filled = 0;
    for (const t of trainingT) {
      let d = 0;
      for (let j = 0; j < dim; j++) {
        const e = (t[j] as number) - (y[j] as number);
        d += e * e;
      }
      if (filled < n) filled++;
      else if (d >= (nearest[n - 1] as number)) continue;
      let p = filled - 1;
      while (p > 0 && (nearest[p - 1] as number) > d) {
        nearest[p] = nearest[p - 1] as number;
        p--;
      }
      nearest[p] = d;
    }
    let sum = 0;
    for (let i = 0; i < filled; i++) sum += nearest[i] as number;
    return sum;
  };

  const inactive: KnnCadStep = { active: false, pValue: 0, ratio: 0, resting: false };
  return {
    step(value: number): KnnCadStep {
      lags.copyWithin(0, 1);
      lags[dim - 1] = value;
      count++;
      if (count < dim) return inactive;
      const item = Float64Array.from(lags);
      if (count < period) {
        training.push(item);
        trainingT.push(item);
        return inactive;
      }
      const phase = count % period;
      if (phase === 0 || phase === Math.floor(period / 2)) {
        // A singular training set (a flat series) keeps the previous metric, as numpy's failure did.
        const w = gramWhitening(training, dim);
        if (w) {
          whiten = w;
          trainingT = training.map(whiten);
        }
      }
      if (scores.length === 0) scores = trainingT.map((y) => nonconformity(y, k + 1));
      const score = nonconformity(whiten(item), k);
      let below = 0;
      let max = 0;
      for (const s of scores) {
        if (s < score) below++;
        if (s > max) max = s;
      }
      const pValue = below / scores.length;
      const ratio = max > 0 ? Math.min(score / max, 1e6) : score > 0 ? 1e6 : 0;
      if (count >= 2 * period) {
        training.shift();
        trainingT.shift();
        const oldest = calibration.shift() as Float64Array;
        training.push(oldest);
        trainingT.push(whiten(oldest));
      }
      scores.shift();
      calibration.push(item);
      scores.push(score);

      let resting = false;
      if (rest > 0) {
        rest--;
        resting = true;
      } else if (pValue >= alarmLevel) {
        rest = Math.floor(period * restFraction);
      }
      return { active: true, pValue, ratio, resting };
    },
  };
}

/** KNN-CAD as NAB ran it: the p-value, and 0.5 during the rest period after an alarm. */
export function createKnnCad(context: UnivariateContext, options: KnnCadOptions = {}): UnivariateDetector {
  const model = createKnnCadModel(context, options);
  return {
    handle(_timestamp: number, value: number): number {
      const s = model.step(value);
      return !s.active ? 0 : s.resting ? 0.5 : s.pValue;
    },
  };
}
