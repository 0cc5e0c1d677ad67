/**
 * How far a value falls outside every value seen before it, as a fraction of that range: 0 inside
 * the range, 0.5 for a value half the range above the maximum. It is the "spatial anomaly" rule of
 * NAB's HTM detector, graded instead of thresholded, and needs no look-ahead: the range is the
 * running one.
 */
export function createRangeNovelty(): (value: number) => number {
  let min = Infinity;
  let max = -Infinity;
  return (value) => {
    const excess = max > min ? Math.max(0, value - max, min - value) / (max - min) : 0;
    if (value < min) min = value;
    if (value > max) max = value;
    return excess;
  };
}
