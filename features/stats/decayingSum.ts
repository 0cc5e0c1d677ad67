/**
 * A sum of values whose weights halve every `halfLifeMs` of event time: O(1) memory whatever the
 * event rate, which is what keeps per-address on-chain state bounded. Late values enter with the
 * weight they would have had, so arrival order does not matter.
 */
export class DecayingSum {
  private sum = 0;
  private lastT = Number.NaN;
  constructor(private readonly halfLifeMs: number) {
    if (!(halfLifeMs > 0)) throw new RangeError(`halfLifeMs must be positive, got ${halfLifeMs}`);
  }
  add(x: number, t: number): void {
    if (Number.isNaN(this.lastT)) this.lastT = t;
    else if (t > this.lastT) {
      this.sum *= Math.pow(0.5, (t - this.lastT) / this.halfLifeMs);
      this.lastT = t;
    } else if (t < this.lastT) x *= Math.pow(0.5, (this.lastT - t) / this.halfLifeMs);
    this.sum += x;
  }
  /** The decayed sum at time `t`; times before the newest value are read at the newest. */
  valueAt(t: number): number {
    if (Number.isNaN(this.lastT)) return 0;
    return t > this.lastT ? this.sum * Math.pow(0.5, (t - this.lastT) / this.halfLifeMs) : this.sum;
  }
  get lastTime(): number {
    return this.lastT;
  }
  toJSON(): [number, number | null] {
    return [this.sum, Number.isNaN(this.lastT) ? null : this.lastT];
  }
  static fromJSON(halfLifeMs: number, s: unknown): DecayingSum {
    const d = new DecayingSum(halfLifeMs);
    const [sum, t] = s as [number, number | null];
    d.sum = sum;
    d.lastT = t ?? Number.NaN;
    return d;
  }
}
