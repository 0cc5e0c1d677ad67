import type { DetectorSlot } from '../../pipelines/scoreDetectors.ts';
import type { Detector } from '../detector.ts';
import { RobustBaseline } from './robustBaseline.ts';
import { thresholdUnits } from './thresholdUnits.ts';

const ALERT_Z = 6;

/**
 * A reference price (token oracle, NFT collection floor) moving far outside its own range: the 60 s
 * move in robust sigmas of its history, with a 30 bps floor on the scale since floors update
 * sparsely. A blue-chip floor collapse and its contagion to related tokens and collections on other
 * chains show up here one asset at a time; 6 σ alerts (180 bps at the floor), 12 σ halts.
 */
export class ReferencePriceShockRule implements Detector {
  readonly name = 'reference-price-shock';
  readonly features = ['reference_price_move'] as const;
  readonly baseline: RobustBaseline;

  constructor(state?: readonly number[]) {
    // Floors publish every 20 s or so: ten publications warm it up.
    this.baseline = new RobustBaseline(1 / 200, 10, 30, 6, 100);
    if (state) this.baseline.restore(state);
  }

  score(x: ArrayLike<number>): number {
    return Number.isFinite(x[0]!) ? Math.abs(this.baseline.z(x[0]!)) / ALERT_Z : 0;
  }

  learn(x: ArrayLike<number>): void {
    this.baseline.learn(x[0]!);
  }

  explain(x: ArrayLike<number>): Float64Array {
    return Float64Array.of(this.score(x));
  }

  toJSON(): unknown {
    return this.baseline.toJSON();
  }
}

export const referencePriceShockSlot: DetectorSlot = {
  name: 'reference-price-shock',
  keyKind: 'asset',
  perKey: true,
  create: () => new ReferencePriceShockRule(),
  restore: (json) => new ReferencePriceShockRule(json as number[]),
  calibrate: thresholdUnits,
  explainAbove: 0.5,
};
