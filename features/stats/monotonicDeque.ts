import { nn } from './rollingSums.ts';

/**
 * Rolling maximum (or minimum) over a sliding event-time window (t_now - windowMs, t_now]: a
 * monotonic deque whose values decrease from oldest to newest, so the head is the extreme.
 * Amortised O(1) per in-order value. A late value is placed by time: dropped if a newer,
 * larger value already dominates it, else inserted and the older, smaller values it dominates
 * are removed. Holds at most the number of values in the window (typed arrays, grown on demand).
 */
export class MonotonicDeque {
  private t = new Float64Array(8);
  private v = new Float64Array(8);
  private head = 0;
  private len = 0;
  now = Number.NaN;
  first = Number.NaN;
  private readonly sign: number;

  constructor(
    readonly windowMs: number,
    readonly mode: 'max' | 'min' = 'max',
  ) {
    if (!(windowMs > 0)) throw new RangeError(`windowMs must be positive, got ${windowMs}`);
    this.sign = mode === 'max' ? 1 : -1;
  }

  get size(): number {
    return this.len;
  }
  get age(): number {
    return Number.isNaN(this.first) ? 0 : this.now - this.first;
  }

  private slot(i: number): number {
    return (this.head + i) & (this.t.length - 1);
  }

  /** The window's extreme; NaN when the window is empty. */
  get extreme(): number {
    return this.len === 0 ? Number.NaN : this.sign * this.v[this.head]!;
  }

  add(time: number, x: number): void {
    this.advance(time);
    if (time <= this.now - this.windowMs) return;
    const y = this.sign * x;
    // Rows newer than `time` form a suffix; its first row is the largest of them.
    let j = this.len;
    while (j > 0 && this.t[this.slot(j - 1)]! > time) j--;
    if (j < this.len && this.v[this.slot(j)]! >= y) return;
    // Older (or equal-time) rows not larger than y can never be the extreme again.
    let i = j;
    while (i > 0 && this.v[this.slot(i - 1)]! <= y) i--;
    // Rows [i, j) go; the new row takes index i; rows [j, len) move to i + 1.
    const removed = j - i;
    if (removed === 0) {
      if (this.len === this.t.length) this.grow();
      for (let k = this.len; k > j; k--) {
        this.t[this.slot(k)] = this.t[this.slot(k - 1)]!;
        this.v[this.slot(k)] = this.v[this.slot(k - 1)]!;
      }
    } else {
      for (let k = j; k < this.len; k++) {
        this.t[this.slot(k - removed + 1)] = this.t[this.slot(k)]!;
        this.v[this.slot(k - removed + 1)] = this.v[this.slot(k)]!;
      }
    }
    this.t[this.slot(i)] = time;
    this.v[this.slot(i)] = y;
    this.len += 1 - removed;
  }

  advance(time: number): void {
    if (Number.isNaN(this.first) || time < this.first) this.first = time;
    if (!(time <= this.now)) this.now = time;
    const cutoff = this.now - this.windowMs;
    while (this.len > 0 && this.t[this.head]! <= cutoff) {
      this.head = (this.head + 1) & (this.t.length - 1);
      this.len--;
    }
  }

  private grow(): void {
    const n = this.t.length;
    const t = new Float64Array(n * 2);
    const v = new Float64Array(n * 2);
    for (let k = 0; k < this.len; k++) {
      t[k] = this.t[this.slot(k)]!;
      v[k] = this.v[this.slot(k)]!;
    }
    this.t = t;
    this.v = v;
    this.head = 0;
  }

  get bytes(): number {
    return this.t.byteLength + this.v.byteLength;
  }

  toJSON(): unknown {
    const ts: number[] = [];
    const vs: number[] = [];
    for (let k = 0; k < this.len; k++) {
      ts.push(this.t[this.slot(k)]!);
      vs.push(this.sign * this.v[this.slot(k)]!);
    }
    return { t: ts, v: vs, n: nn(this.now), f: nn(this.first) };
  }

  static fromJSON(json: unknown, windowMs: number, mode: 'max' | 'min' = 'max'): MonotonicDeque {
    const j = json as { t: number[]; v: number[]; n: number | null; f: number | null };
    const d = new MonotonicDeque(windowMs, mode);
    j.t.forEach((t, i) => d.add(t, j.v[i]!));
    d.now = j.n ?? Number.NaN;
    d.first = j.f ?? Number.NaN;
    return d;
  }
}
