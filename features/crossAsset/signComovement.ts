import type { FeatureState } from '../feature.ts';
import type { CrossFeature, CrossInput } from './crossFeature.ts';
import { PairReturns } from './rollingCorrelation.ts';

type Params = { windowSamples: number };

/**
 * Sign test of co-movement: over the last N grid steps, the steps in which both legs moved in the
 * same direction (C) against those in which they moved in opposite directions (D), as
 * (C - D) / sqrt(C + D): a z-score, about N(0, 1) if the legs moved independently. Only signs
 * count, so one large move cannot dominate the window the way it dominates a Pearson correlation
 * (prices that move in a few jumps make that correlation swing widely over a few minutes); and
 * few co-moves give a small |z|, so a quiet market reads as no evidence rather than as a break.
 */
export const signComovement: CrossFeature<Params> = {
  name: 'sign_comovement',
  family: 'cross-asset',
  unit: 'z-score',
  description: "Sign test of the two legs' co-movement: same-direction steps against opposite ones.",
  formula:
    '(C - D) / sqrt(C + D) over the last N grid steps; C = steps where sign(r_a) = sign(r_b) != 0, D = steps where sign(r_a) = -sign(r_b) != 0',
  window: 'sliding, windowSamples = 180 grid steps (90 s at the default 500 ms step)',
  reveals:
    'two normally co-moving assets moving against each other: a decoupled or manipulated leg, even when its own noise hides the change from a correlation',
  keyKind: 'asset-pair',
  pairKinds: ['cross-asset', 'cross-venue'],
  inputs: ['book', 'ticker', 'trade'],
  defaults: { windowSamples: 180 },
  create(params) {
    const p = { ...this.defaults, ...params };
    return state(new PairReturns(), new SignWindow(p.windowSamples));
  },
  restore(json, params) {
    const p = { ...this.defaults, ...params };
    const j = json as { r: unknown; s: unknown };
    return state(PairReturns.fromJSON(j.r), SignWindow.fromJSON(j.s, p.windowSamples));
  },
};

/** The last `size` products of return signs (-1, 0, 1) with their exact integer sums. */
export class SignWindow {
  private readonly signs: Int8Array;
  private head = 0;
  private n = 0;
  /** Sum of the signs: C - D. */
  net = 0;
  /** Steps in which both legs moved: C + D. */
  moved = 0;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1)
      throw new RangeError(`size must be an integer >= 1, got ${size}`);
    this.signs = new Int8Array(size);
  }

  get full(): boolean {
    return this.n === this.size;
  }

  add(s: -1 | 0 | 1): void {
    if (this.n === this.size) {
      const old = this.signs[this.head]!;
      this.net -= old;
      this.moved -= Math.abs(old);
      this.head = (this.head + 1) % this.size;
      this.n--;
    }
    this.signs[(this.head + this.n) % this.size] = s;
    this.n++;
    this.net += s;
    this.moved += Math.abs(s);
  }

  /** Oldest first. */
  toJSON(): number[] {
    return Array.from({ length: this.n }, (_, k) => this.signs[(this.head + k) % this.size]!);
  }

  static fromJSON(j: unknown, size: number): SignWindow {
    const w = new SignWindow(size);
    for (const s of (j as number[]).slice(-size)) w.add(Math.sign(s) as -1 | 0 | 1);
    return w;
  }
}

function state(r: PairReturns, w: SignWindow): FeatureState<CrossInput> {
  return {
    update(x) {
      r.update(x);
      if (Number.isFinite(r.ra) && Number.isFinite(r.rb))
        w.add((Math.sign(r.ra) * Math.sign(r.rb)) as -1 | 0 | 1);
    },
    value: () => (w.full && w.moved > 0 ? w.net / Math.sqrt(w.moved) : undefined),
    toJSON: () => ({ r: r.toJSON(), s: w.toJSON() }),
  };
}
