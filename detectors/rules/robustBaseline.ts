/**
 * A running location and scale for heavy-tailed streams: exponentially weighted mean and mean
 * absolute deviation (MAD × 1.25 estimates σ for normal data and is not dominated by outliers as
 * a variance is). Values the baseline finds extreme (|z| >= freezeZ) are not learnt, so a
 * manipulation cannot become normal while it lasts; `relearnAfter` skipped values in a row mean a
 * new regime, which is then learnt.
 */
export class RobustBaseline {
  private n = 0;
  private mean = 0;
  private mad = 0;
  private skipped = 0;

  constructor(
    private readonly alpha: number,
    private readonly warmup: number,
    private readonly minScale: number,
    private readonly freezeZ = 6,
    private readonly relearnAfter = 20_000,
  ) {}

  get warm(): boolean {
    return this.n >= this.warmup;
  }

  get scale(): number {
    return Math.max(this.mad * 1.25, this.minScale);
  }

  /** Signed deviation from the baseline in scale units (0 while warming up). */
  z(x: number): number {
    return this.warm ? (x - this.mean) / this.scale : 0;
  }

  learn(x: number): void {
    if (!Number.isFinite(x)) return;
    if (this.warm && Math.abs(this.z(x)) >= this.freezeZ && ++this.skipped <= this.relearnAfter) return;
    this.skipped = 0;
    if (this.n === 0) this.mean = x;
    const a = this.warm ? this.alpha : Math.max(1 / (this.n + 1), this.alpha);
    const d = x - this.mean;
    this.mean += a * d;
    this.mad += a * (Math.abs(d) - this.mad);
    this.n++;
  }

  toJSON(): number[] {
    return [this.n, this.mean, this.mad, this.skipped];
  }

  restore(s: readonly number[]): this {
    [this.n, this.mean, this.mad, this.skipped] = s as [number, number, number, number];
    return this;
  }
}
