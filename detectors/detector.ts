import type { SupportBreak } from '../schemas/score.ts';

/**
 * The one contract every detector follows (River style): score first, then learn.
 * `x` is a dense vector in the order of `features`; NaN marks a feature still warming up.
 */
export interface Detector {
  /** Stable name, used in alerts, metrics and model files. */
  readonly name: string;
  /** Feature names, in the order `x` carries them. */
  readonly features: readonly string[];
  /** Higher is more anomalous. Raw scale; calibration maps it to a comparable one. */
  score(x: ArrayLike<number>): number;
  /** Updates the model with `x` (after it was scored). Warm-up is the detector's own business. */
  learn(x: ArrayLike<number>): void;
  /** Per-feature contribution to `score(x)`, same order as `features`; larger means more responsible. */
  explain(x: ArrayLike<number>): Float64Array;
  /** A plain-JSON snapshot from which the detector's factory restores it exactly. */
  toJSON(): unknown;
  /**
   * Optional: false while the detector is still warming up and its score (0) is no evidence. A
   * per-key calibrator neither scores nor learns such scores: 500 warm-up zeros would otherwise
   * make its quantiles all 0, and every first real score would calibrate to 1.
   */
  readonly warm?: boolean;
  /**
   * Optional, for detectors that watch the price level: the key's price (the frame's mid) with its
   * event time, handed over before the frame is scored.
   */
  observePrice?(eventTime: number, price: number): void;
  /**
   * Optional: the detector's current estimate that the key's price breaks its support level within
   * its horizon; undefined while it cannot tell (no support yet, volatility warming up).
   */
  supportBreakEstimate?(): SupportBreak | undefined;
}

/** How a detector kind is created and restored. */
export interface DetectorFactory<P, D extends Detector = Detector> {
  readonly kind: string;
  create(params: P): D;
  fromJSON(json: unknown): D;
}
