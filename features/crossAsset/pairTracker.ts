import { ConfigError } from '../../core/errors.ts';
import { TimeRing } from '../stats/timeRing.ts';
import { assetOf as defaultAssetOf } from './assetOf.ts';
import type { CrossInput, PairKind } from './crossFeature.ts';

/** One venue-symbol whose mid prices the tracker follows. */
export interface Leg {
  readonly id: string;
  readonly venue: string;
  readonly symbol: string;
  readonly asset: string;
  /**
   * Recent rows (time, mid, last time the same mid was quoted again), time-ordered: the newest at
   * or before the last tick, and later ones. A repeated mid only refreshes the row, so a quiet
   * but live market is not mistaken for a stale one.
   */
  readonly mids: TimeRing;
  lastSeen: number;
}

export interface Pair {
  readonly key: string;
  readonly kind: PairKind;
  readonly a: Leg;
  readonly b: Leg;
}

export interface PairTrackerOptions {
  /** Grid step of the samples, ms of event time. */
  stepMs?: number;
  /** How late a mid may arrive and still count: ticks are emitted once the watermark passes them. */
  allowedLatenessMs?: number;
  /** A leg whose newest mid is older than this at a tick is stale, and its pairs skip the tick. */
  maxStaleMs?: number;
  /** After a gap longer than this many steps, the grid jumps instead of emitting every tick. */
  maxCatchUpTicks?: number;
  /** Legs not updated for this long (event time) are dropped with their pairs. */
  idleMs?: number;
  /** Upper bound on legs (and so on pairs, at most legs^2 / 2); new legs beyond it are ignored. */
  maxLegs?: number;
  assetOf?: (symbol: string) => string;
}

/** The leg the other is measured against: spot if one leg is spot, else the smaller venue name. */
function isReference(x: Leg, y: Leg): boolean {
  const xs = x.venue.includes('spot');
  const ys = y.venue.includes('spot');
  return xs !== ys ? xs : x.venue < y.venue;
}

/**
 * Pairs venue-symbols and samples both legs of each pair on one event-time grid: same asset on
 * different venues (cross-venue: spot against perpetuals) and different assets on one venue
 * (cross-asset: BTC against ETH). Pure: mids in, pair samples out, no clock. A tick at time T is
 * emitted once every mid up to T can have arrived (watermark = newest time - allowed lateness),
 * with each leg's mid as of T, so samples do not depend on arrival order within the lateness.
 */
export class PairTracker {
  readonly stepMs: number;
  readonly allowedLatenessMs: number;
  readonly maxStaleMs: number;
  readonly maxCatchUpTicks: number;
  readonly idleMs: number;
  readonly maxLegs: number;
  private readonly assetOf: (symbol: string) => string;
  private readonly legs = new Map<string, Leg>();
  private pairs: Pair[] = [];
  private maxT = Number.NaN;
  private lastTick = Number.NaN;
  /** Mids that arrived after the tick they belonged to was emitted. */
  late = 0;

  constructor(o: PairTrackerOptions = {}) {
    const {
      stepMs = 500,
      allowedLatenessMs = 2_000,
      maxStaleMs = 5_000,
      maxCatchUpTicks = 20,
      idleMs = 600_000,
      maxLegs = 256,
      assetOf = defaultAssetOf,
    } = o;
    if (!(stepMs > 0)) throw new ConfigError(`stepMs must be positive, got ${stepMs}`);
    if (!(allowedLatenessMs >= 0))
      throw new ConfigError(`allowedLatenessMs must be zero or more, got ${allowedLatenessMs}`);
    if (!(maxStaleMs >= stepMs))
      throw new ConfigError(`maxStaleMs (${maxStaleMs}) must be at least stepMs (${stepMs})`);
    this.stepMs = stepMs;
    this.allowedLatenessMs = allowedLatenessMs;
    this.maxStaleMs = maxStaleMs;
    this.maxCatchUpTicks = maxCatchUpTicks;
    this.idleMs = idleMs;
    this.maxLegs = maxLegs;
    this.assetOf = assetOf;
  }

  get pairList(): readonly Pair[] {
    return this.pairs;
  }
  get legCount(): number {
    return this.legs.size;
  }

  /** Records a mid; calls `emit` for every pair sample of every tick the watermark has passed. */
  update(
    venue: string,
    symbol: string,
    mid: number,
    eventTime: number,
    emit: (pair: Pair, input: CrossInput) => void,
  ): void {
    if (!(mid > 0) || !Number.isFinite(mid)) return;
    const leg = this.leg(venue, symbol);
    if (!leg) return;
    if (eventTime <= this.lastTick) this.late++;
    const r = leg.mids;
    const n = r.size;
    if (n > 0 && eventTime >= r.newestTime() && r.value(n - 1) === mid) {
      if (eventTime > r.value(n - 1, 1)) r.setValue(n - 1, 1, eventTime);
    } else {
      if (r.full) r.shift();
      r.insert(eventTime, mid, eventTime);
    }
    if (eventTime > leg.lastSeen) leg.lastSeen = eventTime;
    if (!(eventTime <= this.maxT)) this.maxT = eventTime;
    this.tick(emit);
  }

  private leg(venue: string, symbol: string): Leg | undefined {
    const id = `${venue}:${symbol}`;
    let leg = this.legs.get(id);
    if (leg) return leg;
    if (this.legs.size >= this.maxLegs) return undefined;
    leg = {
      id,
      venue,
      symbol,
      asset: this.assetOf(symbol),
      mids: new TimeRing(2, 16, 4096),
      lastSeen: -Infinity,
    };
    for (const other of this.legs.values()) {
      let kind: PairKind | undefined;
      if (other.asset === leg.asset && other.venue !== venue) kind = 'cross-venue';
      else if (other.venue === venue && other.asset !== leg.asset) kind = 'cross-asset';
      if (!kind) continue;
      const [a, b] =
        kind === 'cross-venue'
          ? isReference(other, leg)
            ? [leg, other]
            : [other, leg]
          : other.asset < leg.asset
            ? [other, leg]
            : [leg, other];
      this.pairs.push({ key: `pair:${a.id}|${b.id}`, kind, a, b });
    }
    this.legs.set(id, leg);
    return leg;
  }

  private tick(emit: (pair: Pair, input: CrossInput) => void): void {
    const step = this.stepMs;
    const watermark = this.maxT - this.allowedLatenessMs;
    let next = Number.isNaN(this.lastTick) ? Math.floor(watermark / step) * step : this.lastTick + step;
    if (watermark - next > this.maxCatchUpTicks * step) next = Math.floor(watermark / step) * step;
    for (; next <= watermark; next += step) {
      this.lastTick = next;
      for (const pair of this.pairs) {
        const a = asOf(pair.a, next, this.maxStaleMs);
        const b = asOf(pair.b, next, this.maxStaleMs);
        if (Number.isNaN(a) || Number.isNaN(b)) continue;
        emit(pair, { key: pair.key, kind: pair.kind, eventTime: next, a, b });
      }
      for (const leg of this.legs.values()) trim(leg.mids, next);
      if (next % (step * 100) === 0) this.evictIdle(next);
    }
  }

  /** Drops legs (and their pairs) with no mid for `idleMs` before `now`. */
  evictIdle(now: number): void {
    let dropped = false;
    for (const [id, leg] of this.legs)
      if (now - leg.lastSeen > this.idleMs) {
        this.legs.delete(id);
        dropped = true;
      }
    if (dropped) this.pairs = this.pairs.filter((p) => this.legs.has(p.a.id) && this.legs.has(p.b.id));
  }

  /** True when `key` names a pair no longer tracked (its state can be dropped). */
  isGone(key: string): boolean {
    return !this.pairs.some((p) => p.key === key);
  }
}

/**
 * The leg's mid as of time T (its newest row at or before T), NaN if none or stale: quoted last
 * more than maxStaleMs before T. A later row means the quote was live until then.
 */
function asOf(leg: Leg, t: number, maxStaleMs: number): number {
  const r = leg.mids;
  for (let i = r.size - 1; i >= 0; i--) {
    if (r.time(i) > t) continue;
    const seen = i + 1 < r.size ? t : Math.min(t, r.value(i, 1));
    return t - seen <= maxStaleMs ? r.value(i) : Number.NaN;
  }
  return Number.NaN;
}

/** Keeps the newest row at or before T (the as-of value for later ticks) and every later row. */
function trim(r: TimeRing, t: number): void {
  while (r.size >= 2 && r.time(1) <= t) r.shift();
}
