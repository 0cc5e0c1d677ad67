import type { UnivariateDetector } from './univariate.ts';
import { normalTailProbability } from './normalTail.ts';

/** Options of the windowed Gaussian detector; the defaults are NAB's tuned values. */
export interface WindowedGaussianOptions {
  /** Values the Gaussian is fitted to. */
  readonly windowSize?: number;
  /** Once the window is full, it slides forward by this many values at once. */
  readonly stepSize?: number;
}

/**
 * NAB's windowed Gaussian baseline: the score of a value is one minus its tail probability under
 * a normal distribution fitted (population mean and deviation) to a window of preceding values.
 * The window grows to `windowSize`, then moves in steps of `stepSize` values.
 */
export function createWindowedGaussian({
  windowSize = 6400,
  stepSize = 100,
}: WindowedGaussianOptions = {}): UnivariateDetector {
  if (!(stepSize >= 1 && stepSize <= windowSize)) {
    throw new RangeError(`stepSize must be between 1 and windowSize (${windowSize}), got ${stepSize}`);
  }
  const window = new Float64Array(windowSize);
  let filled = 0;
  let start = 0; // ring-buffer position of the oldest value once full
  let pending = 0;
  let mean = 0;
  let m2 = 0;
  let std = 1;

  const refit = (): void => {
    let sum = 0;
    for (let i = 0; i < windowSize; i++) sum += window[i] as number;
    mean = sum / windowSize;
    let sq = 0;
    for (let i = 0; i < windowSize; i++) sq += ((window[i] as number) - mean) ** 2;
    std = Math.sqrt(sq / windowSize) || 1e-6;
  };

  return {
    handle(_timestamp: number, value: number): number {
      const score = filled > 0 ? 1 - normalTailProbability(value, mean, std) : 0;
      if (filled < windowSize) {
        window[filled++] = value;
        // Welford while the window grows: one update per value instead of a refit.
        const delta = value - mean;
        mean += delta / filled;
        m2 += delta * (value - mean);
        std = Math.sqrt(m2 / filled) || 1e-6;
      } else {
        // Values wait in a step buffer; the window jumps forward by stepSize when it is full.
        window[(start + pending) % windowSize] = value;
        pending++;
        if (pending === stepSize) {
          start = (start + stepSize) % windowSize;
          pending = 0;
          refit();
        }
      }
      return score;
    },
  };
}
