import { P2Quantiles } from '../features/stats/p2Quantiles.ts';

/** Quantiles tracked per key and feature; a value is placed between the two that bracket it. */
const PROBS = [0.001, 0.01, 0.1, 0.5, 0.9, 0.99, 0.999] as const;
/** Features sampled per frame, round-robin, so the cost stays flat however many detectors explain. */
const FEATURES_PER_FRAME = 2;
/** Samples a feature needs before its percentiles are reported. */
const WARMUP = 200;

interface KeyTrack {
  /** The frame layout the positions refer to (frames of a key kind share one array). */
  names: readonly string[];
  /** Per feature position: its sketch once the feature is tracked. */
  readonly sketches: (P2Quantiles | undefined)[];
  /** Positions of tracked features, and the `version` they were computed for. */
  tracked: number[];
  version: number;
  next: number;
}

/**
 * Where a feature value stands in its key's own history, as a percentile 0..100, for the evidence
 * of alerts and commands ("cancel-to-trade 41 (p99.9)"). Each key and feature keeps one extended P²
 * sketch of the PROBS quantiles (features/stats/p2Quantiles.ts, O(1) memory); a value is placed by linear
 * interpolation between the quantiles that bracket it and clamped to the outermost ones, so the
 * answer reads "at least p99.9" at the top.
 *
 * Only features some detector has named in a contribution are tracked (evidence never shows the
 * others), and at most FEATURES_PER_FRAME of them are sampled per frame: P² updates are the policy
 * stage's main cost. Deterministic: the same frames give the same answers.
 */
export class FeaturePercentiles {
  private readonly keys = new Map<string, KeyTrack>();
  private readonly wanted = new Set<string>();
  private version = 0;

  /** Starts tracking a feature on every key (called with each explained score's features). */
  want(feature: string): void {
    if (this.wanted.has(feature)) return;
    this.wanted.add(feature);
    this.version++;
  }

  /** Adds a frame's values (NaN skipped) to its key's history; call after reading percentiles. */
  observe(key: string, names: readonly string[], values: ArrayLike<number>): void {
    if (this.version === 0) return;
    let k = this.keys.get(key);
    if (k && k.names !== names && sameNames(k.names, names)) k.names = names;
    if (!k || k.names !== names) {
      k = { names, sketches: names.map(() => undefined), tracked: [], version: -1, next: 0 };
      this.keys.set(key, k);
    }
    if (k.version !== this.version) {
      k.tracked = [];
      names.forEach((n, i) => {
        if (!this.wanted.has(n)) return;
        k!.tracked.push(i);
        k!.sketches[i] ??= new P2Quantiles(PROBS);
      });
      k.version = this.version;
    }
    const n = k.tracked.length;
    if (n === 0) return;
    const m = Math.min(n, FEATURES_PER_FRAME);
    for (let j = 0; j < m; j++) {
      const i = k.tracked[(k.next + j) % n]!;
      const v = values[i]!;
      if (Number.isNaN(v)) continue;
      k.sketches[i]!.add(v);
    }
    k.next = (k.next + m) % n;
  }

  /** The percentile of `value` in the key's history of `feature`; undefined while warming up. */
  percentile(key: string, feature: string, value: number | null): number | undefined {
    if (value === null || !Number.isFinite(value)) return undefined;
    const k = this.keys.get(key);
    const sketch = k?.sketches[k.names.indexOf(feature)];
    if (!sketch || sketch.n < WARMUP) return undefined;
    const q = PROBS.map((p) => sketch.quantile(p));
    if (value <= q[0]!) return PROBS[0] * 100;
    for (let j = 1; j < q.length; j++) {
      if (value <= q[j]!) {
        const lo = q[j - 1]!;
        const hi = q[j]!;
        const f = hi > lo ? (value - lo) / (hi - lo) : 1;
        return round((PROBS[j - 1]! + f * (PROBS[j]! - PROBS[j - 1]!)) * 100);
      }
    }
    return PROBS.at(-1)! * 100;
  }
}

const round = (x: number) => Math.round(x * 10) / 10;

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
