/**
 * (time, value) pairs in a ring buffer, oldest first, for "the value `horizon` ago" look-backs.
 * Amortised O(1) per push; capacity grows by doubling and never shrinks.
 */
export class TimedDeque {
  private t = new Float64Array(16);
  private v = new Float64Array(16);
  private head = 0;
  private len = 0;

  get size(): number {
    return this.len;
  }

  push(time: number, value: number): void {
    if (this.len === this.t.length) this.grow();
    const i = (this.head + this.len) & (this.t.length - 1);
    this.t[i] = time;
    this.v[i] = value;
    this.len++;
  }

  /** Removes entries older than `cutoff` but keeps the newest one at or before it (the "as of" value). */
  evictBefore(cutoff: number): void {
    const mask = this.t.length - 1;
    while (this.len >= 2 && this.t[(this.head + 1) & mask]! <= cutoff) {
      this.head = (this.head + 1) & mask;
      this.len--;
    }
  }

  oldestTime(): number {
    return this.len === 0 ? Number.NaN : this.t[this.head]!;
  }
  oldestValue(): number {
    return this.len === 0 ? Number.NaN : this.v[this.head]!;
  }

  private grow(): void {
    const n = this.t.length;
    const t = new Float64Array(n * 2);
    const v = new Float64Array(n * 2);
    for (let k = 0; k < this.len; k++) {
      t[k] = this.t[(this.head + k) & (n - 1)]!;
      v[k] = this.v[(this.head + k) & (n - 1)]!;
    }
    this.t = t;
    this.v = v;
    this.head = 0;
  }

  toJSON(): [number[], number[]] {
    const ts: number[] = [];
    const vs: number[] = [];
    const mask = this.t.length - 1;
    for (let k = 0; k < this.len; k++) {
      ts.push(this.t[(this.head + k) & mask]!);
      vs.push(this.v[(this.head + k) & mask]!);
    }
    return [ts, vs];
  }

  static fromJSON(json: unknown): TimedDeque {
    const [ts, vs] = json as [number[], number[]];
    const d = new TimedDeque();
    ts.forEach((t, i) => d.push(t, vs[i]!));
    return d;
  }
}
