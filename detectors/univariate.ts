/**
 * The contract of a streaming detector of one numeric series (NAB style): values arrive in time
 * order, each is scored before the next is seen, and the score is in [0, 1], higher meaning more
 * anomalous. Learning happens inside `handle`, after scoring; warm-up is the detector's business.
 */
export interface UnivariateDetector {
  /** Scores `value` observed at `timestamp` (epoch ms), then learns from it. */
  handle(timestamp: number, value: number): number;
}

/** What a detector may know before the first value: the rows the benchmark leaves unscored. */
export interface UnivariateContext {
  /** Leading rows in which detections are not counted; a detector may spend them learning. */
  readonly probationaryLength: number;
}

/** Creates one fresh detector per series. */
export type UnivariateDetectorFactory = (context: UnivariateContext) => UnivariateDetector;
