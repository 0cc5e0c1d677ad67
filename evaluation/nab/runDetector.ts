import type { UnivariateDetectorFactory } from '../../detectors/univariate.ts';
import type { Corpus } from './corpus.ts';
import type { Series } from './csvSeries.ts';
import type { DetectorOutput } from './resultFiles.ts';
import { probationaryLength } from './sweeper.ts';

/**
 * Runs a streaming detector over one series: a fresh instance, values fed in time order, each
 * scored before the next is seen. Scores are clipped to [0, 1] (NaN counts as 0) because NAB's
 * threshold sweep assumes that range.
 */
export function runSeries(factory: UnivariateDetectorFactory, series: Series): Float64Array {
  const n = series.values.length;
  const detector = factory({ probationaryLength: probationaryLength(n) });
  const scores = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const s = detector.handle(series.timestamps[i] as number, series.values[i] as number);
    scores[i] = s > 0 ? Math.min(s, 1) : 0;
  }
  return scores;
}

/** Runs a detector over every series of a corpus; the result is what the scorer and the result files take. */
export function runDetector(factory: UnivariateDetectorFactory, corpus: Corpus): DetectorOutput {
  const out = new Map<string, Series>();
  for (const [file, series] of corpus) {
    out.set(file, { timestamps: series.timestamps, values: runSeries(factory, series) });
  }
  return out;
}
