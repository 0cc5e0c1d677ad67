import { describe, expect, it } from 'vitest';
import { DataError } from '../../../core/errors.ts';
import { createRng } from '../../../core/rng.ts';
import { rocAuc } from '../../../evaluation/rocAuc.ts';

/** Definition, pair by pair: P(positive > negative) + P(tie) / 2. */
function bruteForce(scores: number[], labels: number[]): number {
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < scores.length; i++) {
    if (labels[i] !== 1) continue;
    for (let j = 0; j < scores.length; j++) {
      if (labels[j] !== 0) continue;
      pairs++;
      wins += scores[i]! > scores[j]! ? 1 : scores[i] === scores[j] ? 0.5 : 0;
    }
  }
  return wins / pairs;
}

describe('rocAuc - area under the ROC curve', () => {
  it('is 1 for a perfect ranking, 0 for a reversed one, 0.5 when everything ties', () => {
    expect(rocAuc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(rocAuc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])).toBe(0);
    expect(rocAuc([3, 3, 3, 3, 3], [1, 0, 0, 1, 0])).toBe(0.5);
  });

  it('counts ties as one half: a worked example', () => {
    // Positives 0.5 and 0.7; negatives 0.5, 0.3, 0.7. Pairs: (0.5: 1 win, 1 tie), (0.7: 2 wins, 1 tie).
    expect(rocAuc([0.5, 0.7, 0.5, 0.3, 0.7], [1, 1, 0, 0, 0])).toBeCloseTo(4 / 6, 15);
  });

  it('matches the pairwise definition on random data with many ties', () => {
    const rng = createRng(42);
    for (let trial = 0; trial < 20; trial++) {
      const n = 50 + rng.int(150);
      const labels = Array.from({ length: n }, () => (rng.next() < 0.3 ? 1 : 0));
      labels[0] = 1;
      labels[1] = 0;
      const scores = labels.map((y) => Math.round((rng.normal() + y) * 4) / 4); // coarse: ties
      expect(rocAuc(scores, labels)).toBeCloseTo(bruteForce(scores, labels), 12);
    }
  });

  it('does not reorder its inputs', () => {
    const scores = Float64Array.of(0.9, 0.1, 0.5);
    const labels = [1, 0, 0];
    rocAuc(scores, labels);
    expect(Array.from(scores)).toEqual([0.9, 0.1, 0.5]);
    expect(labels).toEqual([1, 0, 0]);
  });

  it('refuses what has no AUC: one class, NaN scores, other labels, length mismatch', () => {
    expect(() => rocAuc([1, 2], [1, 1])).toThrow(DataError);
    expect(() => rocAuc([1, NaN], [1, 0])).toThrow(/NaN/);
    expect(() => rocAuc([1, 2], [1, 2])).toThrow(/0 or 1/);
    expect(() => rocAuc([1, 2, 3], [1, 0])).toThrow(/3 scores/);
  });
});
