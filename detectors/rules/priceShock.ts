import type { DetectorSlot } from '../../pipelines/scoreDetectors.ts';
import type { Detector } from '../detector.ts';
import { RobustBaseline } from './robustBaseline.ts';
import { thresholdUnits } from './thresholdUnits.ts';

/** Robust sigmas of the 10 s mid return for an alert (halt at twice that). */
const ALERT_Z = 12;

/**
 * A price shock pushed by one-sided aggression: the venue-symbol's 10 s mid return in robust
 * sigmas of its own history (mean absolute deviation, which heavy-tailed returns do not inflate as
 * they do a variance), weighted up when takers lean the same way (taker imbalance). Catches
 * pumps and dumps, flash crashes, momentum ignition and fat-finger sweeps; 12 σ alerts, 24 σ halts.
 */
export class PriceShockRule implements Detector {
  readonly name = 'price-shock';
  readonly features = ['mid_return', 'taker_imbalance'] as const;
  readonly baseline: RobustBaseline;

  constructor(state?: readonly number[]) {
    // About 8 minutes of memory at 40 frames a second; 1 bps floor on the scale.
    this.baseline = new RobustBaseline(1 / 20_000, 2_000, 1e-4);
    if (state) this.baseline.restore(state);
  }

  private parts(x: ArrayLike<number>): [number, number] {
    const z = this.baseline.z(x[0]!);
    const imb = x[1]!;
    const aligned =
      Number.isFinite(imb) && Math.sign(imb) === Math.sign(z) ? Math.min(1, Math.abs(imb) / 0.5) : 0;
    return [Math.abs(z) * 0.6, Math.abs(z) * 0.4 * aligned];
  }

  score(x: ArrayLike<number>): number {
    if (!Number.isFinite(x[0]!)) return 0;
    const [a, b] = this.parts(x);
    return (a + b) / ALERT_Z;
  }

  learn(x: ArrayLike<number>): void {
    this.baseline.learn(x[0]!);
  }

  explain(x: ArrayLike<number>): Float64Array {
    return Float64Array.from(Number.isFinite(x[0]!) ? this.parts(x) : [0, 0]);
  }

  toJSON(): unknown {
    return this.baseline.toJSON();
  }
}

export const priceShockSlot: DetectorSlot = {
  name: 'price-shock',
  keyKind: 'venue-symbol',
  perKey: true,
  create: () => new PriceShockRule(),
  restore: (json) => new PriceShockRule(json as number[]),
  calibrate: thresholdUnits,
  explainAbove: 0.5,
};
