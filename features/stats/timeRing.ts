/**
 * Timestamped rows of `channels` numbers in a ring buffer, kept sorted by time: an in-order row is
 * appended in O(1), a late row is shifted into place (O(rows newer than it), few within the
 * allowed lateness). Capacity doubles on demand up to `maxRows`; at that bound the owner must drop
 * the oldest row before inserting, which caps memory per key whatever the event rate.
 */
export class TimeRing {
  private times: Float64Array;
  private vals: Float64Array;
  private head = 0;
  private len = 0;

  constructor(
    readonly channels: number,
    initialRows = 16,
    readonly maxRows = 1 << 14,
  ) {
    if (!Number.isInteger(channels) || channels < 1)
      throw new RangeError('channels must be a positive integer');
    let cap = 1;
    while (cap < initialRows) cap <<= 1;
    this.times = new Float64Array(cap);
    this.vals = new Float64Array(cap * channels);
  }

  get size(): number {
    return this.len;
  }

  /** True when the next insert needs the oldest row dropped first. */
  get full(): boolean {
    return this.len >= this.maxRows;
  }

  /** Physical slot of the i-th oldest row. */
  private slot(i: number): number {
    return (this.head + i) & (this.times.length - 1);
  }

  time(i: number): number {
    return this.times[this.slot(i)]!;
  }

  value(i: number, ch = 0): number {
    return this.vals[this.slot(i) * this.channels + ch]!;
  }

  /** Overwrites one channel of the i-th oldest row. */
  setValue(i: number, ch: number, x: number): void {
    this.vals[this.slot(i) * this.channels + ch] = x;
  }

  oldestTime(): number {
    return this.len === 0 ? Number.NaN : this.times[this.head]!;
  }

  newestTime(): number {
    return this.len === 0 ? Number.NaN : this.times[this.slot(this.len - 1)]!;
  }

  /** Inserts a row at its place in time order (after rows of equal time); returns its index. */
  insert(t: number, x0: number, x1 = 0, x2 = 0): number {
    if (this.len >= this.maxRows) throw new RangeError('TimeRing is full: drop the oldest row first');
    if (this.len === this.times.length) this.grow();
    const k = this.channels;
    let j = this.len;
    while (j > 0 && this.times[this.slot(j - 1)]! > t) {
      const from = this.slot(j - 1);
      const to = this.slot(j);
      this.times[to] = this.times[from]!;
      for (let c = 0; c < k; c++) this.vals[to * k + c] = this.vals[from * k + c]!;
      j--;
    }
    const s = this.slot(j);
    this.times[s] = t;
    this.vals[s * k] = x0;
    if (k > 1) this.vals[s * k + 1] = x1;
    if (k > 2) this.vals[s * k + 2] = x2;
    this.len++;
    return j;
  }

  /** Drops the oldest row. */
  shift(): void {
    if (this.len === 0) return;
    this.head = (this.head + 1) & (this.times.length - 1);
    this.len--;
  }

  clear(): void {
    this.head = 0;
    this.len = 0;
  }

  private grow(): void {
    const cap = this.times.length;
    const k = this.channels;
    const t = new Float64Array(cap * 2);
    const v = new Float64Array(cap * 2 * k);
    for (let i = 0; i < this.len; i++) {
      const s = this.slot(i);
      t[i] = this.times[s]!;
      for (let c = 0; c < k; c++) v[i * k + c] = this.vals[s * k + c]!;
    }
    this.times = t;
    this.vals = v;
    this.head = 0;
  }

  /** Bytes held by the buffers (for the benchmark's state-size figures). */
  get bytes(): number {
    return this.times.byteLength + this.vals.byteLength;
  }

  /** Rows oldest first: [times, channel-major values]. */
  toJSON(): [number[], number[]] {
    const ts: number[] = [];
    const vs: number[] = [];
    for (let i = 0; i < this.len; i++) {
      ts.push(this.time(i));
      for (let c = 0; c < this.channels; c++) vs.push(this.value(i, c));
    }
    return [ts, vs];
  }

  static fromJSON(json: unknown, channels: number, maxRows?: number): TimeRing {
    const [ts, vs] = json as [number[], number[]];
    const r = new TimeRing(channels, Math.max(16, ts.length), maxRows);
    ts.forEach((t, i) => {
      r.insert(t, vs[i * channels]!, vs[i * channels + 1] ?? 0, vs[i * channels + 2] ?? 0);
    });
    return r;
  }
}
