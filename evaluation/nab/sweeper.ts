import { DataError } from '../../core/errors.ts';
import { formatNabTimestamp } from './timestamps.ts';
import type { AnomalyWindow } from './windows.ts';
import { MAX_TP, scaledSigmoid } from './scaledSigmoid.ts';

/** Rows of a file that fall in the probationary period: 15% of the file, at most 750 rows. */
export function probationaryLength(rows: number, fraction = 0.15): number {
  return Math.min(Math.floor(fraction * rows), fraction * 5000);
}

/** `window` value of a row in the probationary period: never scored. */
export const PROBATIONARY = -2;
/** `window` value of a row outside every window. */
export const OUTSIDE = -1;

/**
 * One file after NAB's sweep (`Sweeper.calcSweepScore`), independent of the cost profile: per row,
 * the anomaly score, the window it belongs to, and its unit reward, to be multiplied by tpWeight
 * inside a window (already divided by MAX_TP) or by fpWeight outside.
 */
export interface FileSweep {
  readonly scores: Float64Array;
  /** Window ordinal in this file, OUTSIDE or PROBATIONARY. */
  readonly window: Int32Array;
  readonly unit: Float64Array;
  /** Windows of this file, whether or not any of their rows is scorable. */
  readonly windowCount: number;
}

/**
 * Follows NAB's sweeper row by row: a window opens on the row whose timestamp equals its start and
 * closes after the row equal to its end; rows inside earn the scaled sigmoid of their position
 * relative to the window's right edge; rows outside cost the sigmoid of their distance after the
 * preceding window (or the full weight before any window).
 */
export function sweepFile(
  timestamps: ArrayLike<number>,
  scores: ArrayLike<number>,
  windows: readonly AnomalyWindow[],
  probationFraction = 0.15,
): FileSweep {
  const n = timestamps.length;
  if (scores.length !== n)
    throw new RangeError(`timestamps (${n}) and scores (${scores.length}) differ in length`);
  const window = new Int32Array(n);
  const unit = new Float64Array(n);
  const probation = probationaryLength(n, probationFraction);
  const indexOf = (t: number): number => {
    for (let i = 0; i < n; i++) if (timestamps[i] === t) return i;
    return -1;
  };

  let next = 0;
  let current = -1;
  let currentRight = -1;
  let currentWidth = 0;
  let prevRight = -1;
  let prevWidth = 0;
  for (let i = 0; i < n; i++) {
    const t = timestamps[i] as number;
    const limits = windows[next];
    if (limits !== undefined && t === limits.start) {
      current = next++;
      currentRight = indexOf(limits.end);
      if (currentRight < 0)
        throw new DataError(`window ending ${formatNabTimestamp(limits.end)} matches no row`);
      currentWidth = currentRight - indexOf(limits.start) + 1;
    }
    if (current >= 0) {
      unit[i] = scaledSigmoid(-(currentRight - i + 1) / currentWidth) / MAX_TP;
    } else if (prevRight < 0) {
      unit[i] = -1;
    } else {
      // A one-row window makes the denominator 0; NAB then divides by zero, the limit is -1.
      unit[i] = scaledSigmoid(Math.abs(prevRight - i) / (prevWidth - 1));
    }
    window[i] = i < probation ? PROBATIONARY : current >= 0 ? current : OUTSIDE;
    if (current >= 0 && t === (windows[current] as AnomalyWindow).end) {
      prevRight = i;
      prevWidth = currentWidth;
      current = -1;
    }
  }
  return { scores: Float64Array.from(scores), window, unit, windowCount: windows.length };
}
