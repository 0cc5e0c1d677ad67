/**
 * Area under the ROC curve: the probability that a random positive scores higher than a random
 * negative, ties counting one half (the Mann–Whitney U statistic over P·N). Exact with ties, which
 * matter for detectors whose scores repeat (an isolation forest gives identical rows equal scores).
 */
import { DataError } from '../core/errors.ts';

/** ROC AUC of `scores` (higher means more likely positive) against `labels` (1 positive, 0 negative). */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  if (scores.length !== labels.length) {
    throw new DataError(`rocAuc: ${scores.length} scores but ${labels.length} labels.`);
  }
  let positives = 0;
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (y !== 0 && y !== 1) throw new DataError(`rocAuc: label ${i} is ${y}; labels must be 0 or 1.`);
    if (Number.isNaN(scores[i])) throw new DataError(`rocAuc: score ${i} is NaN.`);
    positives += y;
  }
  const negatives = labels.length - positives;
  if (positives === 0 || negatives === 0) {
    throw new DataError(`rocAuc is undefined with ${positives} positives and ${negatives} negatives.`);
  }
  const pos = new Float64Array(positives);
  const neg = new Float64Array(negatives);
  for (let i = 0, p = 0, n = 0; i < labels.length; i++) {
    if (labels[i] === 1) pos[p++] = scores[i]!;
    else neg[n++] = scores[i]!;
  }
  pos.sort();
  neg.sort();
  // For positives in ascending order, `below` and `upTo` only move forward.
  let below = 0;
  let upTo = 0;
  let wins = 0;
  for (let i = 0; i < positives; i++) {
    const s = pos[i]!;
    while (below < negatives && neg[below]! < s) below++;
    if (upTo < below) upTo = below;
    while (upTo < negatives && neg[upTo]! <= s) upTo++;
    wins += below + (upTo - below) / 2;
  }
  return wins / (positives * negatives);
}
