/**
 * Exponentially weighted mean and variance per sample (not per unit of time), weight alpha on the
 * newest value: West's (1979) incremental form, stable without sums of squares. The first value
 * seeds the mean with variance zero.
 */
export class EwmVariance {
  mean = 0;
  variance = 0;
  count = 0;

  constructor(readonly alpha: number) {
    if (!(alpha > 0 && alpha <= 1)) throw new RangeError(`alpha must be in (0, 1], got ${alpha}`);
  }

  add(x: number): void {
    if (this.count++ === 0) {
      this.mean = x;
      this.variance = 0;
      return;
    }
    const d = x - this.mean;
    const inc = this.alpha * d;
    this.mean += inc;
    this.variance = (1 - this.alpha) * (this.variance + d * inc);
  }

  std(): number {
    return Math.sqrt(this.variance);
  }

  toJSON(): [number, number, number] {
    return [this.mean, this.variance, this.count];
  }

  static fromJSON(json: unknown, alpha: number): EwmVariance {
    const e = new EwmVariance(alpha);
    [e.mean, e.variance, e.count] = json as [number, number, number];
    return e;
  }
}
