import { nn } from './rollingSums.ts';
import { TimeRing } from './timeRing.ts';
import { Welford } from './welford.ts';

/**
 * Count, mean and variance of the values in a sliding event-time window (t_now - windowMs, t_now]:
 * Welford add and remove on values shifted by a recent mean (so a window of near-equal values
 * keeps its small variance exactly instead of losing it to rounding of the squares), with an exact
 * two-pass recomputation from the buffer after as many removals as it holds, so rounding cannot
 * build up. Amortised O(1) per value.
 */
export class RollingMoments {
  private ring: TimeRing;
  private readonly w = new Welford();
  private removals = 0;
  private shift = 0;
  now = Number.NaN;
  first = Number.NaN;
  dropped = 0;

  constructor(
    readonly windowMs: number,
    private readonly maxRows = 1 << 14,
  ) {
    if (!(windowMs > 0)) throw new RangeError(`windowMs must be positive, got ${windowMs}`);
    this.ring = new TimeRing(1, 16, maxRows);
  }

  get count(): number {
    return this.w.n;
  }
  get mean(): number {
    return this.w.n === 0 ? Number.NaN : this.shift + this.w.mean;
  }
  /** Sample variance (n - 1); NaN below two values. */
  variance(): number {
    return this.w.variance();
  }
  std(): number {
    return this.w.std();
  }
  get age(): number {
    return Number.isNaN(this.first) ? 0 : this.now - this.first;
  }

  add(t: number, x: number): void {
    this.advance(t);
    if (t <= this.now - this.windowMs) return;
    if (this.ring.full) this.dropOldest(true);
    this.ring.insert(t, x);
    if (this.w.n === 0) this.shift = x;
    this.w.add(x - this.shift);
  }

  advance(t: number): void {
    if (Number.isNaN(this.first) || t < this.first) this.first = t;
    if (!(t <= this.now)) this.now = t;
    const cutoff = this.now - this.windowMs;
    while (this.ring.size > 0 && this.ring.oldestTime() <= cutoff) this.dropOldest(false);
  }

  private dropOldest(early: boolean): void {
    this.w.remove(this.ring.value(0) - this.shift);
    this.ring.shift();
    if (this.ring.size === 1) {
      // One value left: its statistics are known exactly, and any rounding residue goes.
      this.shift = this.ring.value(0);
      this.w.reset();
      this.w.add(0);
    }
    if (early) this.dropped++;
    if (++this.removals >= Math.max(64, this.ring.size)) this.recompute();
  }

  private recompute(): void {
    this.removals = 0;
    const n = this.ring.size;
    let s = 0;
    for (let i = 0; i < n; i++) s += this.ring.value(i);
    this.shift = n === 0 ? 0 : s / n;
    let m2 = 0;
    let c = 0;
    for (let i = 0; i < n; i++) {
      const d = this.ring.value(i) - this.shift;
      m2 += d * d;
      c += d;
    }
    // The compensation term of the corrected two-pass algorithm (Chan, Golub, LeVeque).
    this.w.n = n;
    this.w.mean = n === 0 ? 0 : c / n;
    this.w.m2 = n === 0 ? 0 : Math.max(0, m2 - (c * c) / n);
  }

  get bytes(): number {
    return this.ring.bytes;
  }

  toJSON(): unknown {
    return {
      r: this.ring.toJSON(),
      w: this.w.toJSON(),
      s: this.shift,
      k: this.removals,
      n: nn(this.now),
      f: nn(this.first),
      d: this.dropped,
    };
  }

  static fromJSON(json: unknown, windowMs: number, maxRows = 1 << 14): RollingMoments {
    const j = json as {
      r: unknown;
      w: unknown;
      s: number;
      k: number;
      n: number | null;
      f: number | null;
      d: number;
    };
    const m = new RollingMoments(windowMs, maxRows);
    m.ring = TimeRing.fromJSON(j.r, 1, maxRows);
    m.now = j.n ?? Number.NaN;
    m.first = j.f ?? Number.NaN;
    m.dropped = j.d;
    const w = Welford.fromJSON(j.w);
    m.w.n = w.n;
    m.w.mean = w.mean;
    m.w.m2 = w.m2;
    m.shift = j.s;
    m.removals = j.k;
    return m;
  }
}
