/**
 * NAB's reward curve over a relative position: -1 is a window's left edge (0.987), 0 its right edge
 * (0), positive positions are false positives after a window, and beyond 3 the value is -1.
 */
export function scaledSigmoid(relativePosition: number): number {
  if (relativePosition > 3) return -1;
  return 2 / (1 + Math.exp(5 * relativePosition)) - 1;
}

/** The largest true-positive reward, at a window's left edge; NAB divides by it so that reward is 1. */
export const MAX_TP = scaledSigmoid(-1);
