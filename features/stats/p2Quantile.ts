/**
 * Streaming estimate of one quantile with five markers and O(1) memory: the P² algorithm of
 * Jain and Chlamtac (1985). Exact for the first five values; afterwards marker heights move by
 * piecewise-parabolic interpolation. Accurate to a few percent of the spread on smooth
 * distributions after a few hundred values; not mergeable.
 */
export class P2Quantile {
  private readonly q = new Float64Array(5);
  private readonly n = new Float64Array(5);
  private readonly np = new Float64Array(5);
  private readonly dn = new Float64Array(5);
  private count = 0;

  constructor(readonly p: number) {
    if (!(p > 0 && p < 1)) throw new RangeError(`p must be in (0, 1), got ${p}`);
    this.dn.set([0, p / 2, p, (1 + p) / 2, 1]);
  }

  get size(): number {
    return this.count;
  }

  add(x: number): void {
    const q = this.q;
    const n = this.n;
    if (this.count < 5) {
      // Insertion sort of the first five values.
      let i = this.count++;
      while (i > 0 && q[i - 1]! > x) {
        q[i] = q[i - 1]!;
        i--;
      }
      q[i] = x;
      if (this.count === 5) {
        for (let j = 0; j < 5; j++) n[j] = j;
        const p = this.p;
        this.np.set([0, 2 * p, 4 * p, 2 + 2 * p, 4]);
      }
      return;
    }
    this.count++;
    let k: number;
    if (x < q[0]!) {
      q[0] = x;
      k = 0;
    } else if (x >= q[4]!) {
      if (x > q[4]!) q[4] = x;
      k = 3;
    } else {
      k = 0;
      while (k < 3 && x >= q[k + 1]!) k++;
    }
    for (let j = k + 1; j < 5; j++) n[j]!++;
    for (let j = 0; j < 5; j++) this.np[j]! += this.dn[j]!;
    for (let j = 1; j < 4; j++) {
      const d = this.np[j]! - n[j]!;
      if ((d >= 1 && n[j + 1]! - n[j]! > 1) || (d <= -1 && n[j - 1]! - n[j]! < -1)) {
        const s = d >= 0 ? 1 : -1;
        const qp = this.parabolic(j, s);
        q[j] = q[j - 1]! < qp && qp < q[j + 1]! ? qp : this.linear(j, s);
        n[j]! += s;
      }
    }
  }

  private parabolic(j: number, s: number): number {
    const q = this.q;
    const n = this.n;
    return (
      q[j]! +
      (s / (n[j + 1]! - n[j - 1]!)) *
        ((n[j]! - n[j - 1]! + s) * ((q[j + 1]! - q[j]!) / (n[j + 1]! - n[j]!)) +
          (n[j + 1]! - n[j]! - s) * ((q[j]! - q[j - 1]!) / (n[j]! - n[j - 1]!)))
    );
  }

  private linear(j: number, s: number): number {
    return this.q[j]! + (s * (this.q[j + s]! - this.q[j]!)) / (this.n[j + s]! - this.n[j]!);
  }

  /** The estimate; NaN before the first value, the exact order statistic below five. */
  value(): number {
    if (this.count === 0) return Number.NaN;
    if (this.count < 5) return this.q[Math.min(this.count - 1, Math.round(this.p * (this.count - 1)))]!;
    return this.q[2]!;
  }

  toJSON(): unknown {
    return { c: this.count, q: Array.from(this.q), n: Array.from(this.n), np: Array.from(this.np) };
  }

  static fromJSON(json: unknown, p: number): P2Quantile {
    const j = json as { c: number; q: number[]; n: number[]; np: number[] };
    const e = new P2Quantile(p);
    e.count = j.c;
    e.q.set(j.q);
    e.n.set(j.n);
    e.np.set(j.np);
    return e;
  }
}
