import type { CorpusSweep } from './corpusSweep.ts';
import type { CostMatrix } from './profiles.ts';

/** The corpus score when every row scoring at or above `threshold` is a detection. */
export interface ThresholdScore {
  readonly threshold: number;
  /** Raw NAB score (sum over windows and false positives). */
  readonly score: number;
  /** Row counts, as NAB reports them. */
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
  readonly tn: number;
}

/** NAB's starting threshold: above every score, so nothing is detected. */
const START_THRESHOLD = 1.1;

/**
 * The score at every distinct threshold, from the highest down (`Sweeper.calcScoreByThreshold`):
 * lowering the threshold past a row makes it a detection; a window's part is -fnWeight until its
 * best (earliest) detection replaces it, and a detection outside windows adds its weighted cost.
 * One pass over the pre-sorted rows.
 */
export function scoresByThreshold(sweep: CorpusSweep, cost: CostMatrix): ThresholdScore[] {
  const { scores, unit, window } = sweep;
  const parts = new Map<number, number>();
  for (let i = 0; i < window.length; i++) {
    const w = window[i] as number;
    if (w >= 0) parts.set(w, -cost.fnWeight);
  }
  let windowSum = -cost.fnWeight * parts.size;
  let fpSum = 0;
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < window.length; i++) if ((window[i] as number) >= 0) fn++;
  let tn = window.length - fn;

  const out: ThresholdScore[] = [];
  let threshold = START_THRESHOLD;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i] as number;
    if (s !== threshold) {
      out.push({ threshold, score: fpSum + windowSum, tp, fp, fn, tn });
      threshold = s;
    }
    const w = window[i] as number;
    if (w >= 0) {
      tp++;
      fn--;
      const reward = (unit[i] as number) * cost.tpWeight;
      const part = parts.get(w) as number;
      if (reward > part) {
        parts.set(w, reward);
        windowSum += reward - part;
      }
    } else {
      fp++;
      tn--;
      fpSum += (unit[i] as number) * cost.fpWeight;
    }
  }
  out.push({ threshold, score: fpSum + windowSum, tp, fp, fn, tn });
  return out;
}

/**
 * NAB's optimiser: the threshold with the highest corpus score over all distinct thresholds; among
 * equal scores the highest threshold wins, as NAB's stable sort leaves it first.
 */
export function optimizeThreshold(sweep: CorpusSweep, cost: CostMatrix): ThresholdScore {
  const curve = scoresByThreshold(sweep, cost);
  let best = curve[0] as ThresholdScore;
  for (const row of curve) if (row.score > best.score) best = row;
  return best;
}

/** The corpus score at a given threshold (the row NAB's `scoreDataSet` would match). */
export function scoreAtThreshold(sweep: CorpusSweep, cost: CostMatrix, threshold: number): ThresholdScore {
  const curve = scoresByThreshold(sweep, cost);
  let match = curve[0] as ThresholdScore;
  for (const row of curve) {
    if (row.threshold < threshold) break;
    match = row;
  }
  return match;
}
