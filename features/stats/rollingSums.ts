import { neumaierAdd } from './neumaier.ts';
import { TimeRing } from './timeRing.ts';

/**
 * Sums of up to three channels over a sliding event-time window (t_now - windowMs, t_now], with
 * a row count. Sums are compensated (Neumaier) and recomputed from the buffer after as many
 * removals as the buffer holds, so sliding never drifts; amortised O(1) per row.
 */
export class RollingSums {
  private ring: TimeRing;
  private readonly acc: Float64Array;
  private removals = 0;
  /** Newest time seen (the window's right edge); NaN before the first row. */
  now = Number.NaN;
  /** Oldest time seen, for warm-up. */
  first = Number.NaN;
  /** Rows dropped early because the buffer was at its bound. */
  dropped = 0;

  constructor(
    readonly windowMs: number,
    readonly channels = 1,
    maxRows = 1 << 14,
  ) {
    if (!(windowMs > 0)) throw new RangeError(`windowMs must be positive, got ${windowMs}`);
    this.ring = new TimeRing(channels, 16, maxRows);
    this.acc = new Float64Array(2 * channels);
  }

  get count(): number {
    return this.ring.size;
  }

  sum(ch = 0): number {
    return this.ring.size === 0 ? 0 : this.acc[2 * ch]! + this.acc[2 * ch + 1]!;
  }

  /** Adds a row; a row already outside the window is not kept but still moves `now` and `first`. */
  add(t: number, x0: number, x1 = 0, x2 = 0): void {
    this.advance(t);
    if (t <= this.now - this.windowMs) return;
    if (this.ring.full) this.dropOldest(true);
    this.ring.insert(t, x0, x1, x2);
    const k = this.channels;
    neumaierAdd(this.acc, 0, x0);
    if (k > 1) neumaierAdd(this.acc, 1, x1);
    if (k > 2) neumaierAdd(this.acc, 2, x2);
  }

  /** Moves the window's right edge to `t` (if later) and evicts rows that fell out. */
  advance(t: number): void {
    if (Number.isNaN(this.first) || t < this.first) this.first = t;
    if (!(t <= this.now)) this.now = t;
    const cutoff = this.now - this.windowMs;
    while (this.ring.size > 0 && this.ring.oldestTime() <= cutoff) this.dropOldest(false);
  }

  /** Milliseconds of history seen (now - first). */
  get age(): number {
    return Number.isNaN(this.first) ? 0 : this.now - this.first;
  }

  private dropOldest(early: boolean): void {
    const k = this.channels;
    for (let c = 0; c < k; c++) neumaierAdd(this.acc, c, -this.ring.value(0, c));
    this.ring.shift();
    if (early) this.dropped++;
    if (++this.removals >= Math.max(64, this.ring.size)) this.recompute();
  }

  private recompute(): void {
    this.removals = 0;
    this.acc.fill(0);
    const k = this.channels;
    for (let i = 0; i < this.ring.size; i++)
      for (let c = 0; c < k; c++) neumaierAdd(this.acc, c, this.ring.value(i, c));
  }

  get bytes(): number {
    return this.ring.bytes + this.acc.byteLength;
  }

  toJSON(): unknown {
    // The accumulators go along so that a restored state continues bit for bit.
    const acc = Array.from(this.acc);
    return {
      r: this.ring.toJSON(),
      a: acc,
      k: this.removals,
      n: nn(this.now),
      f: nn(this.first),
      d: this.dropped,
    };
  }

  static fromJSON(json: unknown, windowMs: number, channels = 1, maxRows = 1 << 14): RollingSums {
    const j = json as { r: unknown; a: number[]; k: number; n: number | null; f: number | null; d: number };
    const s = new RollingSums(windowMs, channels, maxRows);
    s.ring = TimeRing.fromJSON(j.r, channels, maxRows);
    s.now = j.n ?? Number.NaN;
    s.first = j.f ?? Number.NaN;
    s.dropped = j.d;
    s.acc.set(j.a);
    s.removals = j.k;
    return s;
  }
}

/** NaN is not JSON: null stands in for it. */
export const nn = (x: number): number | null => (Number.isNaN(x) ? null : x);
