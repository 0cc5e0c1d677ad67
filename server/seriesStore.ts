/** One point of a key's chart: event time (start of its bucket), last price, highest score. */
export interface SeriesPoint {
  readonly t: number;
  /** Last price seen in the bucket; null when none was. */
  price: number | null;
  /** Highest anomaly score seen in the bucket; null when none was. */
  score: number | null;
}

/**
 * Price and anomaly score per key for the page's chart, bucketed in event time (default one
 * second) and bounded per key, so memory stays flat however long the process runs.
 */
export class SeriesStore {
  private readonly series = new Map<string, SeriesPoint[]>();
  private readonly labels = new Map<string, { symbol?: string; venue?: string }>();

  constructor(
    private readonly bucketMs = 1_000,
    private readonly capacity = 3_600,
  ) {}

  private point(key: string, time: number): SeriesPoint {
    let s = this.series.get(key);
    if (!s) this.series.set(key, (s = []));
    const t = time - (time % this.bucketMs);
    const last = s[s.length - 1];
    if (last && last.t === t) return last;
    // Late data (older than the newest bucket) folds into the newest bucket rather than reorder.
    if (last && last.t > t) return last;
    const p: SeriesPoint = { t, price: null, score: null };
    s.push(p);
    if (s.length > this.capacity) s.shift();
    return p;
  }

  recordPrice(key: string, time: number, price: number, label?: { symbol?: string; venue?: string }): void {
    if (!Number.isFinite(price)) return;
    if (label && !this.labels.has(key)) this.labels.set(key, label);
    this.point(key, time).price = price;
  }

  recordScore(key: string, time: number, score: number): void {
    const p = this.point(key, time);
    p.score = p.score === null ? score : Math.max(p.score, score);
  }

  /** Keys with data, sorted, with their symbol and venue. */
  keys(): { key: string; symbol?: string; venue?: string }[] {
    return [...this.series.keys()].sort().map((key) => ({ key, ...this.labels.get(key) }));
  }

  /** Points of a key after `since` (event time), oldest first. */
  points(key: string, since = 0): SeriesPoint[] {
    return (this.series.get(key) ?? []).filter((p) => p.t > since).map((p) => ({ ...p }));
  }
}
