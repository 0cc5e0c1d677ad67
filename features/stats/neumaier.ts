/**
 * Neumaier's compensated sum: the rounding error of each addition is carried in a second term,
 * so adding and later subtracting the same values (sliding windows) does not drift.
 */
export class NeumaierSum {
  private s = 0;
  private c = 0;
  add(x: number): void {
    const t = this.s + x;
    if (Math.abs(this.s) >= Math.abs(x)) this.c += this.s - t + x;
    else this.c += x - t + this.s;
    this.s = t;
  }
  get value(): number {
    return this.s + this.c;
  }
  reset(): void {
    this.s = 0;
    this.c = 0;
  }
  toJSON(): [number, number] {
    return [this.s, this.c];
  }
  static fromJSON(j: unknown): NeumaierSum {
    const n = new NeumaierSum();
    [n.s, n.c] = j as [number, number];
    return n;
  }
}

/** The same compensated addition on slot `i` of a (sum, compensation) pair array: allocation-free. */
export function neumaierAdd(acc: Float64Array, i: number, x: number): void {
  const s = acc[2 * i]!;
  const t = s + x;
  acc[2 * i + 1]! += Math.abs(s) >= Math.abs(x) ? s - t + x : x - t + s;
  acc[2 * i] = t;
}
