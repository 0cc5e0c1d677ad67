/**
 * A support level: the lowest price of a sliding event-time window that ends `lagMs` ago, so the
 * level is one the market has already tested and the current price can fall through it (a rolling
 * minimum that included the current price could never be broken). Prices wait in a FIFO until they
 * are `lagMs` old, then enter a monotonic deque; both live in growable typed rings, amortised O(1).
 */
export class SupportLevel {
  private readonly pending = new Ring();
  private readonly mins = new Ring();

  constructor(
    readonly windowMs: number,
    readonly lagMs: number,
  ) {}

  observe(time: number, price: number): void {
    if (!(price > 0) || !Number.isFinite(time)) return;
    this.pending.pushBack(time, price);
    const ready = time - this.lagMs;
    while (this.pending.size > 0 && this.pending.frontTime() <= ready) {
      const t = this.pending.frontTime();
      const v = this.pending.frontValue();
      this.pending.popFront();
      // Values at or above the newcomer can never be the minimum again.
      while (this.mins.size > 0 && this.mins.backValue() >= v) this.mins.popBack();
      this.mins.pushBack(t, v);
    }
    const cutoff = ready - this.windowMs;
    while (this.mins.size > 1 && this.mins.frontTime() < cutoff) this.mins.popFront();
  }

  /** The support price; NaN until a price is `lagMs` old. */
  get level(): number {
    return this.mins.size === 0 ? Number.NaN : this.mins.frontValue();
  }

  toJSON(): unknown {
    return { p: this.pending.toJSON(), m: this.mins.toJSON() };
  }

  static fromJSON(windowMs: number, lagMs: number, json: unknown): SupportLevel {
    const j = json as { p: [number[], number[]]; m: [number[], number[]] };
    const s = new SupportLevel(windowMs, lagMs);
    j.p[0].forEach((t, i) => s.pending.pushBack(t, j.p[1][i]!));
    j.m[0].forEach((t, i) => s.mins.pushBack(t, j.m[1][i]!));
    return s;
  }
}

/** (time, value) deque on power-of-two typed rings. */
class Ring {
  private t = new Float64Array(16);
  private v = new Float64Array(16);
  private head = 0;
  size = 0;

  pushBack(time: number, value: number): void {
    if (this.size === this.t.length) this.grow();
    const i = (this.head + this.size) & (this.t.length - 1);
    this.t[i] = time;
    this.v[i] = value;
    this.size++;
  }
  popFront(): void {
    this.head = (this.head + 1) & (this.t.length - 1);
    this.size--;
  }
  popBack(): void {
    this.size--;
  }
  frontTime(): number {
    return this.t[this.head]!;
  }
  frontValue(): number {
    return this.v[this.head]!;
  }
  backValue(): number {
    return this.v[(this.head + this.size - 1) & (this.t.length - 1)]!;
  }
  private grow(): void {
    const n = this.t.length;
    const t = new Float64Array(n * 2);
    const v = new Float64Array(n * 2);
    for (let k = 0; k < this.size; k++) {
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
    for (let k = 0; k < this.size; k++) {
      const i = (this.head + k) & (this.t.length - 1);
      ts.push(this.t[i]!);
      vs.push(this.v[i]!);
    }
    return [ts, vs];
  }
}
