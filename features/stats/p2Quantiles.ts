import { ConfigError } from '../../core/errors.ts';

/**
 * Extended P² (Jain & Chlamtac 1985; Raatikainen 1987): several quantiles of a stream in O(m) time
 * and O(m) memory, no values kept. m target probabilities use 2m + 3 markers at probabilities
 * 0, p1/2, p1, (p1+p2)/2, ..., pm, (1+pm)/2, 1; each marker's height is moved towards the order
 * statistic of its desired rank by piecewise-parabolic interpolation. Until 2m + 3 values have
 * arrived the markers are the sorted values themselves, so small samples are exact.
 */
export class P2Quantiles {
  /** Marker probabilities, ascending, first 0 and last 1. */
  readonly probs: Float64Array;
  private readonly q: Float64Array;
  /** Actual ranks of the markers (1-based), as real numbers. */
  private readonly pos: Float64Array;
  private count = 0;

  constructor(targets: readonly number[]) {
    const ps = [...targets].sort((a, b) => a - b);
    if (ps.length === 0 || ps.some((p, i) => !(p > 0 && p < 1) || (i > 0 && p === ps[i - 1])))
      throw new ConfigError('P2Quantiles: give distinct target probabilities strictly between 0 and 1');
    const marks = [0];
    let prev = 0;
    for (const p of ps) {
      marks.push((prev + p) / 2, p);
      prev = p;
    }
    marks.push((prev + 1) / 2, 1);
    this.probs = Float64Array.from(marks);
    this.q = new Float64Array(marks.length);
    this.pos = new Float64Array(marks.length);
  }

  /** Values seen. */
  get n(): number {
    return this.count;
  }

  /** Markers currently in use (fewer than all only before the sketch is full). */
  private get used(): number {
    return Math.min(this.count, this.q.length);
  }

  add(x: number): void {
    if (Number.isNaN(x)) return;
    const q = this.q;
    const pos = this.pos;
    const M = q.length;
    if (this.count < M) {
      // Exact phase: insertion into the sorted prefix.
      let i = this.count++;
      while (i > 0 && q[i - 1]! > x) q[i] = q[--i]!;
      q[i] = x;
      for (let j = 0; j < this.count; j++) pos[j] = j + 1;
      return;
    }
    const n = ++this.count;
    let k: number;
    if (x < q[0]!) {
      q[0] = x;
      k = 0;
    } else if (x >= q[M - 1]!) {
      q[M - 1] = x;
      k = M - 2;
    } else {
      k = 0;
      while (k < M - 2 && x >= q[k + 1]!) k++;
    }
    for (let i = k + 1; i < M; i++) pos[i]!++;
    for (let i = 1; i < M - 1; i++) {
      const d = 1 + (n - 1) * this.probs[i]! - pos[i]!;
      if ((d >= 1 && pos[i + 1]! - pos[i]! > 1) || (d <= -1 && pos[i - 1]! - pos[i]! < -1)) {
        const s = d > 0 ? 1 : -1;
        const np = pos[i + 1]!;
        const nm = pos[i - 1]!;
        const ni = pos[i]!;
        const qp = q[i + 1]!;
        const qm = q[i - 1]!;
        const qi = q[i]!;
        const parabolic =
          qi +
          (s / (np - nm)) *
            ((ni - nm + s) * ((qp - qi) / (np - ni)) + (np - ni - s) * ((qi - qm) / (ni - nm)));
        if (qm < parabolic && parabolic < qp) q[i] = parabolic;
        else q[i] = qi + (s * (q[i + s]! - qi)) / (pos[i + s]! - ni);
        pos[i] = ni + s;
      }
    }
  }

  /** Estimated p-quantile (linear between markers); NaN when empty. */
  quantile(p: number): number {
    const m = this.used;
    if (m === 0) return Number.NaN;
    const q = this.q;
    if (m === 1) return q[0]!;
    // Rank of p among the markers' actual ranks, interpolated.
    const r = 1 + p * (this.count - 1);
    const pos = this.pos;
    if (r <= pos[0]!) return q[0]!;
    for (let i = 1; i < m; i++) {
      if (r <= pos[i]!)
        return q[i - 1]! + ((q[i]! - q[i - 1]!) * (r - pos[i - 1]!)) / (pos[i]! - pos[i - 1]!);
    }
    return q[m - 1]!;
  }

  /** Estimated fraction of values at or below x (linear between markers); NaN when empty. */
  cdf(x: number): number {
    const m = this.used;
    if (m === 0) return Number.NaN;
    const q = this.q;
    if (x < q[0]!) return 0;
    if (x >= q[m - 1]!) return 1;
    let i = 0;
    while (x >= q[i + 1]!) i++;
    const den = this.count - 1;
    const f0 = (this.pos[i]! - 1) / den;
    const f1 = (this.pos[i + 1]! - 1) / den;
    return f0 + ((f1 - f0) * (x - q[i]!)) / (q[i + 1]! - q[i]!);
  }

  toJSON(): { t: number[]; n: number; q: number[]; pos: number[] } {
    const t: number[] = [];
    for (let i = 2; i < this.probs.length - 1; i += 2) t.push(this.probs[i]!);
    return { t, n: this.count, q: Array.from(this.q), pos: Array.from(this.pos) };
  }

  static fromJSON(json: unknown): P2Quantiles {
    const j = json as ReturnType<P2Quantiles['toJSON']>;
    const s = new P2Quantiles(j.t);
    s.count = j.n;
    s.q.set(j.q);
    s.pos.set(j.pos);
    return s;
  }
}
