import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildCorpusSweep } from '../../../evaluation/nab/corpusSweep.ts';
import { optimizeThreshold, scoreAtThreshold } from '../../../evaluation/nab/optimizer.ts';
import { NAB_PROFILES, loadProfiles } from '../../../evaluation/nab/profiles.ts';
import { readResults } from '../../../evaluation/nab/resultFiles.ts';
import { scoreDetector } from '../../../evaluation/nab/scoreDetector.ts';
import { sweepFile } from '../../../evaluation/nab/sweeper.ts';
import { loadWindows } from '../../../evaluation/nab/windows.ts';
import { shared } from '../../support/shared.ts';

// Real NAB material from ../shared (beside the clone); a missing folder fails the test, never skips it.
const NAB = shared('nab');
const standard = { tpWeight: 1, fpWeight: 0.11, fnWeight: 1 };

describe('nab scorer - synthetic files', () => {
  // 100 rows, one window over rows 40..49, no probation: small enough to check by hand.
  const timestamps = Array.from({ length: 100 }, (_, i) => i * 60_000);
  const windows = [{ start: 40 * 60_000, end: 49 * 60_000 }];
  const score = (scores: number[]): number => {
    const sweep = buildCorpusSweep([sweepFile(timestamps, scores, windows, 0)]);
    return scoreAtThreshold(sweep, standard, 0.5).score;
  };

  it('nab scorer - a missed window costs fnWeight', () => {
    expect(score(new Array(100).fill(0))).toBe(-1);
  });

  it('nab scorer - a detection at the left edge of a window earns tpWeight', () => {
    const scores = new Array(100).fill(0);
    scores[40] = 1;
    scores[45] = 1;
    expect(score(scores)).toBeCloseTo(1, 12);
  });

  it('nab scorer - a false positive before any window costs fpWeight, one far after a window costs more than one near it', () => {
    const early = new Array(100).fill(0);
    early[10] = 1;
    expect(score(early)).toBeCloseTo(-1.11, 12);
    const near = new Array(100).fill(0);
    near[51] = 1;
    const far = new Array(100).fill(0);
    far[90] = 1;
    expect(score(near)).toBeGreaterThan(score(far));
    expect(score(far)).toBeCloseTo(-1.11, 12);
  });

  it('nab scorer - the optimiser picks the threshold that isolates the true detection', () => {
    const scores = timestamps.map((_, i) => (i === 42 ? 0.9 : i === 70 ? 0.6 : 0.1));
    const best = optimizeThreshold(buildCorpusSweep([sweepFile(timestamps, scores, windows, 0)]), standard);
    expect(best.threshold).toBe(0.9);
    expect(best.tp).toBe(1);
    expect(best.fp).toBe(0);
  });
});

describe('nab scorer - reference detectors', () => {
  it('nab scorer - reproduces final_results.json within 0.5 points for numenta, randomCutForest and windowedGaussian', () => {
    const windows = loadWindows(`${NAB}/labels/combined_windows.json`);
    const profiles = loadProfiles(`${NAB}/config/profiles.json`);
    expect([...profiles.keys()].sort()).toEqual([...NAB_PROFILES.keys()].sort());
    const published = JSON.parse(readFileSync(`${NAB}/reference/final_results.json`, 'utf8')) as Record<
      string,
      Record<string, number>
    >;
    const results = readResults(`${NAB}/reference/scores`);
    expect([...results.keys()].sort()).toEqual(['numenta', 'randomCutForest', 'windowedGaussian']);
    for (const [detector, output] of results) {
      const scored = scoreDetector(output, windows, profiles);
      expect(scored.files).toBe(58);
      expect(scored.windows).toBe(116);
      for (const [profile, result] of scored.profiles) {
        const expected = published[detector]?.[profile] as number;
        expect(Math.abs(result.score - expected), `${detector} ${profile}`).toBeLessThan(0.5);
      }
    }
  });
});
