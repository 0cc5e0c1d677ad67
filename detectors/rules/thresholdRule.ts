import type { Detector } from '../detector.ts';

/**
 * A stateless rule over named features: `raw(x)` in threshold units (1 alert, 2 halt), the
 * explanation the share each feature has in it. Missing features (NaN) score 0: a rule says
 * nothing about what it cannot see.
 */
export class ThresholdRule implements Detector {
  constructor(
    readonly name: string,
    readonly features: readonly string[],
    private readonly raw: (x: ArrayLike<number>) => number,
    private readonly contributions: (x: ArrayLike<number>) => readonly number[] = (x) =>
      Array.from({ length: this.features.length }, (_, i) => (Number.isFinite(x[i]!) ? this.raw(x) : 0)),
  ) {}

  score(x: ArrayLike<number>): number {
    const r = this.raw(x);
    return Number.isFinite(r) && r > 0 ? r : 0;
  }

  learn(): void {}

  explain(x: ArrayLike<number>): Float64Array {
    return Float64Array.from(this.contributions(x));
  }

  toJSON(): unknown {
    return { name: this.name };
  }
}
