/**
 * Exponentially weighted mean in event time: the weight of a value at time t_i is
 * 0.5^((T - t_i) / halfLifeMs) where T is the newest time seen, whatever the spacing of events.
 * A late value (t < T) enters with its own decayed weight, so the result does not depend on the
 * order in which values arrive.
 */
export class TimeEwma {
  private mean = 0;
  private weight = 0;
  private lastT = Number.NaN;
  constructor(private readonly halfLifeMs: number) {
    if (!(halfLifeMs > 0)) throw new RangeError(`halfLifeMs must be positive, got ${halfLifeMs}`);
  }
  update(x: number, t: number): void {
    let w = 1;
    if (Number.isNaN(this.lastT)) this.lastT = t;
    else if (t > this.lastT) {
      this.weight *= Math.pow(0.5, (t - this.lastT) / this.halfLifeMs);
      this.lastT = t;
    } else if (t < this.lastT) w = Math.pow(0.5, (this.lastT - t) / this.halfLifeMs);
    this.weight += w;
    this.mean += (w * (x - this.mean)) / this.weight;
  }
  get value(): number {
    return this.mean;
  }
  /** Total decayed weight at the newest time seen (the effective number of values). */
  get count(): number {
    return this.weight;
  }
  toJSON(): [number, number, number | null] {
    return [this.mean, this.weight, Number.isNaN(this.lastT) ? null : this.lastT];
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
 * decaying window length, so a burst shows immediately and fades with the half-life. A late event
 * is added with the weight it would have had, so arrival order does not matter.
 */
export class DecayingRate {
  private count = 0;
  private lastT = Number.NaN;
  private firstT = Number.NaN;
  constructor(private readonly halfLifeMs: number) {
    if (!(halfLifeMs > 0)) throw new RangeError(`halfLifeMs must be positive, got ${halfLifeMs}`);
  }
  add(t: number, n = 1): void {
    if (Number.isNaN(this.firstT) || t < this.firstT) this.firstT = t;
    if (Number.isNaN(this.lastT)) this.lastT = t;
    else if (t > this.lastT) {
      this.count *= Math.pow(0.5, (t - this.lastT) / this.halfLifeMs);
      this.lastT = t;
    } else if (t < this.lastT) n *= Math.pow(0.5, (this.lastT - t) / this.halfLifeMs);
    this.count += n;
  }
  /** The decayed count (sum of 0.5^((t - t_i)/h)) at time `t` (>= the last event's time). */
  countAt(t: number): number {
    if (Number.isNaN(this.lastT)) return 0;
    return this.count * Math.pow(0.5, Math.max(0, t - this.lastT) / this.halfLifeMs);
  }
  /** Events per second at time `t` (>= the last event's time). */
  rateAt(t: number): number {
    if (Number.isNaN(this.lastT)) return 0;
    // The decaying window integrates to halfLife/ln2 seconds; shorter while warming up.
    const span = Math.min(this.halfLifeMs / Math.LN2, Math.max(1, t - this.firstT + 1));
    return (this.countAt(t) / span) * 1000;
  }
  /** Time of the newest event added, NaN before the first. */
  get lastTime(): number {
    return this.lastT;
  }
  /** Milliseconds of history seen so far. */
  ageAt(t: number): number {
    return Number.isNaN(this.firstT) ? 0 : t - this.firstT;
  }
  toJSON(): [number, number | null, number | null] {
    return [
      this.count,
      Number.isNaN(this.lastT) ? null : this.lastT,
      Number.isNaN(this.firstT) ? null : this.firstT,
    ];
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
