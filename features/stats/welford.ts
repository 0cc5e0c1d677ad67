/**
 * Welford's running mean and variance, with removal for sliding windows. Removal is exact in exact
 * arithmetic but rounding can build up, so windowed owners recompute from their buffer now and
 * then (see RollingMoments).
 */
export class Welford {
  n = 0;
  mean = 0;
  /** Sum of squared deviations from the mean. */
  m2 = 0;

  add(x: number): void {
    this.n++;
    const d = x - this.mean;
    this.mean += d / this.n;
    this.m2 += d * (x - this.mean);
  }

  remove(x: number): void {
    if (this.n <= 1) {
      this.reset();
      return;
    }
    const before = this.mean;
    this.n--;
    this.mean -= (x - before) / this.n;
    this.m2 -= (x - this.mean) * (x - before);
    if (this.m2 < 0) this.m2 = 0;
  }

  /** Chan et al.'s parallel combination: this becomes the statistics of both samples. */
  merge(o: Welford): void {
    if (o.n === 0) return;
    const n = this.n + o.n;
    const d = o.mean - this.mean;
    this.m2 += o.m2 + (d * d * this.n * o.n) / n;
    this.mean += (d * o.n) / n;
    this.n = n;
  }

  reset(): void {
    this.n = 0;
    this.mean = 0;
    this.m2 = 0;
  }

  /** Sample variance (n - 1 denominator); NaN below two values. */
  variance(): number {
    return this.n < 2 ? Number.NaN : this.m2 / (this.n - 1);
  }

  std(): number {
    return Math.sqrt(this.variance());
  }

  toJSON(): [number, number, number] {
    return [this.n, this.mean, this.m2];
  }

  static fromJSON(j: unknown): Welford {
    const w = new Welford();
    [w.n, w.mean, w.m2] = j as [number, number, number];
    return w;
  }
}
