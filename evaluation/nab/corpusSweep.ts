import { OUTSIDE, PROBATIONARY, type FileSweep } from './sweeper.ts';

/**
 * Every scorable row of a corpus (probationary rows dropped), sorted once by anomaly score,
 * highest first, ties in corpus order as NAB's stable sort leaves them. Profiles only re-weight
 * the rows, so one sort serves every profile's threshold sweep.
 */
export interface CorpusSweep {
  /** Anomaly scores in sorted order. */
  readonly scores: Float64Array;
  /** Unit reward per sorted row (see FileSweep.unit). */
  readonly unit: Float64Array;
  /** Corpus-wide window id per sorted row, or OUTSIDE. */
  readonly window: Int32Array;
  /** Windows that own at least one scorable row: these are the ones a detector can hit or miss. */
  readonly scorableWindows: number;
  /** All labelled windows of the files, scorable or not (NAB's perfect score counts these). */
  readonly labelledWindows: number;
  readonly files: number;
}

/** Pools the files' sweeps into one corpus and sorts it. */
export function buildCorpusSweep(files: readonly FileSweep[]): CorpusSweep {
  let rows = 0;
  let labelledWindows = 0;
  for (const f of files) {
    labelledWindows += f.windowCount;
    for (let i = 0; i < f.window.length; i++) if (f.window[i] !== PROBATIONARY) rows++;
  }
  const scores = new Float64Array(rows);
  const unit = new Float64Array(rows);
  const window = new Int32Array(rows);
  const seen = new Set<number>();
  let k = 0;
  let windowBase = 0;
  for (const f of files) {
    for (let i = 0; i < f.window.length; i++) {
      const w = f.window[i] as number;
      if (w === PROBATIONARY) continue;
      scores[k] = f.scores[i] as number;
      unit[k] = f.unit[i] as number;
      window[k] = w === OUTSIDE ? OUTSIDE : windowBase + w;
      if (w !== OUTSIDE) seen.add(windowBase + w);
      k++;
    }
    windowBase += f.windowCount;
  }
  const order = new Uint32Array(rows);
  for (let i = 0; i < rows; i++) order[i] = i;
  order.sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b);
  return {
    scores: Float64Array.from(order, (i) => scores[i] as number),
    unit: Float64Array.from(order, (i) => unit[i] as number),
    window: Int32Array.from(order, (i) => window[i] as number),
    scorableWindows: seen.size,
    labelledWindows,
    files: files.length,
  };
}
