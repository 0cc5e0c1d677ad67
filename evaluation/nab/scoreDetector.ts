import { DataError } from '../../core/errors.ts';
import { buildCorpusSweep } from './corpusSweep.ts';
import { normalizeScore } from './normalize.ts';
import { optimizeThreshold } from './optimizer.ts';
import type { Profiles } from './profiles.ts';
import type { DetectorOutput } from './resultFiles.ts';
import { sweepFile } from './sweeper.ts';
import type { CorpusWindows } from './windows.ts';

/** One profile's result: the optimised threshold, NAB's normalised score and the raw totals. */
export interface ProfileScore {
  readonly score: number;
  readonly threshold: number;
  readonly rawScore: number;
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
  readonly tn: number;
}

/** A detector's NAB scores on one set of files. */
export interface DetectorScore {
  readonly files: number;
  readonly windows: number;
  readonly profiles: ReadonlyMap<string, ProfileScore>;
}

/**
 * Scores one detector's output the way NAB does: sweep every file, pool the corpus, optimise one
 * threshold per profile over the whole corpus and normalise. `files` restricts the corpus (for
 * comparisons on the same subset); by default every file of `output` is scored.
 */
export function scoreDetector(
  output: DetectorOutput,
  windows: CorpusWindows,
  profiles: Profiles,
  files: Iterable<string> = output.keys(),
): DetectorScore {
  const sweeps = [...files].sort().map((file) => {
    const series = output.get(file);
    if (!series) throw new DataError(`no detector output for ${file}`);
    const fileWindows = windows.get(file);
    if (!fileWindows) throw new DataError(`the labels file has no entry for ${file}`);
    try {
      return sweepFile(series.timestamps, series.values, fileWindows);
    } catch (cause) {
      throw new DataError(`${file}: ${(cause as Error).message}`, { cause });
    }
  });
  const corpus = buildCorpusSweep(sweeps);
  const scores = new Map<string, ProfileScore>();
  for (const [name, cost] of profiles) {
    const best = optimizeThreshold(corpus, cost);
    scores.set(name, {
      score: normalizeScore(best.score, corpus, cost),
      threshold: best.threshold,
      rawScore: best.score,
      tp: best.tp,
      fp: best.fp,
      fn: best.fn,
      tn: best.tn,
    });
  }
  return { files: sweeps.length, windows: corpus.labelledWindows, profiles: scores };
}
