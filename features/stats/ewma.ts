/**
 * Exponentially weighted mean in event time: the weight of a past value halves every `halfLifeMs`,
 * whatever the spacing of events. Out-of-order updates (dt < 0) are folded in without decay.
 */
export class TimeEwma {
  private mean = 0;
  private weight = 0;
  private lastT = Number.NaN;
  constructor(private readonly halfLifeMs: number) {
    if (!(halfLifeMs > 0)) throw new RangeError(`halfLifeMs must be positive, got ${halfLifeMs}`);
  }
  update(x: number, t: number): void {
    const decay =
      Number.isNaN(this.lastT) || t <= this.lastT ? 1 : Math.pow(0.5, (t - this.lastT) / this.halfLifeMs);
    this.weight = this.weight * decay + 1;
    this.mean += (x - this.mean) / this.weight;
    if (Number.isNaN(this.lastT) || t > this.lastT) this.lastT = t;
  }
  get value(): number {
    return this.mean;
  }
  get count(): number {
    return this.weight;
  }
  toJSON(): [number, number, number] {
    return [this.mean, this.weight, this.lastT];
  }
  static fromJSON(halfLifeMs: number, s: unknown): TimeEwma {
    const e = new TimeEwma(halfLifeMs);
    const [m, w, t] = s as [number, number, number | null];
    e.mean = m;
    e.weight = w;
    e.lastT = t ?? Number.NaN;
    return e;
  }
}

/**
 * Event rate (events per second) in event time: an exponentially decaying count divided by the
 * decaying window length, so a burst shows immediately and fades with the half-life.
 */
export class DecayingRate {
  private count = 0;
  private lastT = Number.NaN;
  private firstT = Number.NaN;
  constructor(private readonly halfLifeMs: number) {
    if (!(halfLifeMs > 0)) throw new RangeError(`halfLifeMs must be positive, got ${halfLifeMs}`);
  }
  add(t: number, n = 1): void {
    if (Number.isNaN(this.firstT)) this.firstT = t;
    if (!Number.isNaN(this.lastT) && t > this.lastT) {
      this.count *= Math.pow(0.5, (t - this.lastT) / this.halfLifeMs);
      this.lastT = t;
    } else if (Number.isNaN(this.lastT)) this.lastT = t;
    this.count += n;
  }
  /** Events per second at time `t` (>= the last event's time). */
  rateAt(t: number): number {
    if (Number.isNaN(this.lastT)) return 0;
    const decayed = this.count * Math.pow(0.5, Math.max(0, t - this.lastT) / this.halfLifeMs);
    // The decaying window integrates to halfLife/ln2 seconds; shorter while warming up.
    const span = Math.min(this.halfLifeMs / Math.LN2, Math.max(1, t - this.firstT + 1));
    return (decayed / span) * 1000;
  }
  /** Time of the newest event added, NaN before the first. */
  get lastTime(): number {
    return this.lastT;
  }
  /** Milliseconds of history seen so far. */
  ageAt(t: number): number {
    return Number.isNaN(this.firstT) ? 0 : t - this.firstT;
  }
  toJSON(): [number, number, number] {
    return [this.count, this.lastT, this.firstT];
  }
  static fromJSON(halfLifeMs: number, s: unknown): DecayingRate {
    const r = new DecayingRate(halfLifeMs);
    const [c, l, f] = s as [number, number | null, number | null];
    r.count = c;
    r.lastT = l ?? Number.NaN;
    r.firstT = f ?? Number.NaN;
    return r;
  }
}
