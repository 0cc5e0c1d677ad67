/**
 * Latency samples in milliseconds with exact percentiles (nearest rank). Keeps at most `capacity`
 * samples by reservoir sampling with a fixed seed, so memory stays bounded on long runs.
 */
export class LatencyRecorder {
  private samples: number[] = [];
  private seen = 0;
  private state = 0x2545f491;
  max = 0;
  sum = 0;

  constructor(private readonly capacity = 100_000) {}

  record(ms: number): void {
    this.seen++;
    this.sum += ms;
    if (ms > this.max) this.max = ms;
    if (this.samples.length < this.capacity) {
      this.samples.push(ms);
      return;
    }
    this.state = (Math.imul(this.state, 1103515245) + 12345) >>> 0;
    const j = this.state % this.seen;
    if (j < this.capacity) this.samples[j] = ms;
  }

  get count(): number {
    return this.seen;
  }

  /** The samples kept (every one up to `capacity`, a uniform sample beyond), in no order. */
  sampled(): number[] {
    return [...this.samples];
  }

  /** The p-th percentile (0..100), NaN with no samples. */
  percentile(p: number): number {
    if (this.samples.length === 0) return Number.NaN;
    const sorted = [...this.samples].sort((a, b) => a - b);
    const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
    return sorted[rank]!;
  }

  summary(): { count: number; p50Ms: number; p99Ms: number; maxMs: number; meanMs: number } {
    return {
      count: this.seen,
      p50Ms: this.percentile(50),
      p99Ms: this.percentile(99),
      maxMs: this.seen ? this.max : Number.NaN,
      meanMs: this.seen ? this.sum / this.seen : Number.NaN,
    };
  }
}
