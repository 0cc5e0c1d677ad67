/**
 * Means, variances, covariance and Pearson correlation of the last `size` (x, y) pairs: a fixed
 * ring of typed arrays, co-moments updated by add and remove (Welford's scheme for two variables),
 * recomputed exactly every `size` removals so that rounding cannot build up. O(1) amortised.
 */
export class RollingCovariance {
  private readonly xs: Float64Array;
  private readonly ys: Float64Array;
  private head = 0;
  private n = 0;
  private mx = 0;
  private my = 0;
  private cxx = 0;
  private cyy = 0;
  private cxy = 0;
  private removals = 0;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 2)
      throw new RangeError(`size must be an integer >= 2, got ${size}`);
    this.xs = new Float64Array(size);
    this.ys = new Float64Array(size);
  }

  get count(): number {
    return this.n;
  }
  get full(): boolean {
    return this.n === this.size;
  }

  add(x: number, y: number): void {
    if (this.n === this.size) this.removeOldest();
    const i = (this.head + this.n) % this.size;
    this.xs[i] = x;
    this.ys[i] = y;
    this.n++;
    const dx = x - this.mx;
    this.mx += dx / this.n;
    const dy = y - this.my;
    this.my += dy / this.n;
    this.cxx += dx * (x - this.mx);
    this.cyy += dy * (y - this.my);
    this.cxy += dx * (y - this.my);
  }

  private removeOldest(): void {
    const x = this.xs[this.head]!;
    const y = this.ys[this.head]!;
    this.head = (this.head + 1) % this.size;
    this.n--;
    if (this.n === 0) {
      this.mx = this.my = this.cxx = this.cyy = this.cxy = 0;
      return;
    }
    const mx0 = this.mx;
    const my0 = this.my;
    this.mx -= (x - mx0) / this.n;
    this.my -= (y - my0) / this.n;
    this.cxx -= (x - this.mx) * (x - mx0);
    this.cyy -= (y - this.my) * (y - my0);
    this.cxy -= (x - this.mx) * (y - my0);
    if (++this.removals >= this.size) this.recompute();
  }

  private recompute(): void {
    this.removals = 0;
    let sx = 0;
    let sy = 0;
    for (let k = 0; k < this.n; k++) {
      const i = (this.head + k) % this.size;
      sx += this.xs[i]!;
      sy += this.ys[i]!;
    }
    this.mx = sx / this.n;
    this.my = sy / this.n;
    let cxx = 0;
    let cyy = 0;
    let cxy = 0;
    for (let k = 0; k < this.n; k++) {
      const i = (this.head + k) % this.size;
      const dx = this.xs[i]! - this.mx;
      const dy = this.ys[i]! - this.my;
      cxx += dx * dx;
      cyy += dy * dy;
      cxy += dx * dy;
    }
    this.cxx = cxx;
    this.cyy = cyy;
    this.cxy = cxy;
  }

  /** Sample covariance (n - 1); NaN below two pairs. */
  covariance(): number {
    return this.n < 2 ? Number.NaN : this.cxy / (this.n - 1);
  }
  varianceX(): number {
    return this.n < 2 ? Number.NaN : Math.max(0, this.cxx) / (this.n - 1);
  }
  varianceY(): number {
    return this.n < 2 ? Number.NaN : Math.max(0, this.cyy) / (this.n - 1);
  }
  /** Pearson correlation, clamped to [-1, 1]; NaN when either side is constant. */
  correlation(): number {
    const d = Math.sqrt(Math.max(0, this.cxx) * Math.max(0, this.cyy));
    if (this.n < 2 || !(d > 0)) return Number.NaN;
    return Math.max(-1, Math.min(1, this.cxy / d));
  }

  get bytes(): number {
    return this.xs.byteLength + this.ys.byteLength;
  }

  /** Pairs oldest first, and the running moments so that a restored state continues bit for bit. */
  toJSON(): { x: number[]; y: number[]; m: number[] } {
    const x: number[] = [];
    const y: number[] = [];
    for (let k = 0; k < this.n; k++) {
      const i = (this.head + k) % this.size;
      x.push(this.xs[i]!);
      y.push(this.ys[i]!);
    }
    return { x, y, m: [this.mx, this.my, this.cxx, this.cyy, this.cxy, this.removals] };
  }

  static fromJSON(json: unknown, size: number): RollingCovariance {
    const j = json as { x: number[]; y: number[]; m: number[] };
    const c = new RollingCovariance(size);
    c.xs.set(j.x);
    c.ys.set(j.y);
    c.n = j.x.length;
    [c.mx, c.my, c.cxx, c.cyy, c.cxy, c.removals] = j.m as [number, number, number, number, number, number];
    return c;
  }
}
