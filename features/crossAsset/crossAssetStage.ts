import type { PairLeg } from '../../schemas/feature.ts';
import type { FeatureState } from '../feature.ts';
import type { CrossFeature, CrossInput, PairKind } from './crossFeature.ts';
import { PairTracker, type Pair, type PairTrackerOptions } from './pairTracker.ts';

/** All second-stage feature values of one pair after one grid sample; NaN while warming up. */
export interface CrossFrame {
  readonly key: string;
  readonly kind: PairKind;
  /** Leg ids, `venue:symbol`. */
  readonly a: string;
  readonly b: string;
  /** The legs' venue and symbol, A then B: what a command driven by the pair restricts. */
  readonly legs: readonly [PairLeg, PairLeg];
  readonly eventTime: number;
  /** Prices of the legs in the sample. */
  readonly pa: number;
  readonly pb: number;
  readonly names: readonly string[];
  readonly values: Float64Array;
}

interface PairState {
  readonly features: readonly CrossFeature[];
  readonly names: readonly string[];
  readonly states: FeatureState<CrossInput>[];
  readonly legs: readonly [PairLeg, PairLeg];
}

const NONE: readonly CrossFrame[] = Object.freeze([]);

/**
 * The second stage in one object: feed it the mid of every venue-symbol as the first stage's
 * books change, read back one frame per pair and grid tick. Owns the pair tracker and one state
 * per pair per feature; pairs whose legs go idle are dropped with their state.
 */
export class CrossAssetStage {
  readonly tracker: PairTracker;
  private readonly byKind: Record<PairKind, { features: readonly CrossFeature[]; names: readonly string[] }>;
  private readonly pairs = new Map<string, PairState>();
  private out: CrossFrame[] = [];
  private readonly emit = (pair: Pair, x: CrossInput): void => {
    let ps = this.pairs.get(pair.key);
    if (!ps) {
      const c = this.byKind[pair.kind];
      ps = {
        features: c.features,
        names: c.names,
        states: c.features.map((f) => f.create()),
        legs: [
          { venue: pair.a.venue, symbol: pair.a.symbol },
          { venue: pair.b.venue, symbol: pair.b.symbol },
        ],
      };
      this.pairs.set(pair.key, ps);
    }
    const values = new Float64Array(ps.states.length);
    for (let i = 0; i < ps.states.length; i++) {
      const st = ps.states[i]!;
      st.update(x);
      const v = st.value();
      values[i] = v === undefined || !Number.isFinite(v) ? Number.NaN : v;
    }
    this.out.push({
      key: pair.key,
      kind: pair.kind,
      a: pair.a.id,
      b: pair.b.id,
      legs: ps.legs,
      eventTime: x.eventTime,
      pa: x.a,
      pb: x.b,
      names: ps.names,
      values,
    });
  };

  constructor(features: readonly CrossFeature[], options: PairTrackerOptions = {}) {
    this.tracker = new PairTracker(options);
    const of = (kind: PairKind) => {
      const fs = features.filter((f) => f.pairKinds.includes(kind));
      return { features: fs, names: fs.map((f) => f.name) };
    };
    this.byKind = { 'cross-venue': of('cross-venue'), 'cross-asset': of('cross-asset') };
  }

  /** A venue-symbol's mid (or fair price) at `eventTime`; returns the frames of the ticks it completed. */
  onMid(venue: string, symbol: string, mid: number, eventTime: number): readonly CrossFrame[] {
    const pairsBefore = this.tracker.pairList.length;
    this.tracker.update(venue, symbol, mid, eventTime, this.emit);
    if (this.tracker.pairList.length < pairsBefore)
      for (const key of this.pairs.keys()) if (this.tracker.isGone(key)) this.pairs.delete(key);
    if (this.out.length === 0) return NONE;
    const frames = this.out;
    this.out = [];
    return frames;
  }

  /** Number of pairs holding state. */
  get pairCount(): number {
    return this.pairs.size;
  }
}
