import type { Feature, FeatureState, SharedFeatureState } from '../feature.ts';
import { assetOf } from './assetOf.ts';

type Params = { maxAgeMs: number; minOthers: number; halfLifeMs: number; warmupMs: number };

/**
 * The latest fair price of every venue-symbol, by asset: what `venue_premium` compares a venue
 * with. Spans keys, so in the distributed mode it holds only the keys of one instance's partitions
 * (a venue whose peers run elsewhere reads NaN and its rule stays silent).
 */
export class CrossVenueBoard implements SharedFeatureState {
  private readonly byAsset = new Map<string, Map<string, { t: number; logMid: number }>>();
  /** The other venues' log mids, reused by every `observe` (called on every market event). */
  private readonly others: number[] = [];

  /** Records a venue's log mid at `t` and returns the median log mid of the other live venues (NaN if fewer than `minOthers`). */
  observe(
    asset: string,
    venue: string,
    t: number,
    logMid: number,
    maxAgeMs: number,
    minOthers: number,
  ): number {
    let venues = this.byAsset.get(asset);
    if (!venues) this.byAsset.set(asset, (venues = new Map()));
    const own = venues.get(venue);
    if (own) {
      if (t >= own.t) {
        own.t = t;
        own.logMid = logMid;
      }
    } else venues.set(venue, { t, logMid });
    const others = this.others;
    others.length = 0;
    for (const [v, x] of venues)
      if (v !== venue && t - x.t <= maxAgeMs && x.t - t <= maxAgeMs) others.push(x.logMid);
    if (others.length < minOthers) return Number.NaN;
    others.sort((a, b) => a - b);
    const m = others.length >> 1;
    return others.length % 2 ? others[m]! : (others[m - 1]! + others[m]!) / 2;
  }

  reset(): void {
    this.byAsset.clear();
  }

  /** `[asset, [venue, t, logMid][]][]`: checkpointed with the keys that fill it. */
  toJSON(): unknown {
    return [...this.byAsset].map(([asset, venues]) => [
      asset,
      [...venues].map(([v, x]) => [v, x.t, x.logMid]),
    ]);
  }

  restoreState(json: unknown): void {
    this.byAsset.clear();
    for (const [asset, venues] of json as [string, [string, number, number][]][])
      this.byAsset.set(asset, new Map(venues.map(([v, t, logMid]) => [v, { t, logMid }])));
  }
}

/**
 * One venue's price against the same asset on the other venues, in bps, minus its own usual
 * premium: a venue-symbol moved away from the market on its own (a pump, a flash crash or a
 * squeeze local to the venue, a broken feed), attributed to the venue that moved. The median of
 * at least two other venues is the reference, so the venue that moved does not drag it.
 */
export function venuePremium(board = new CrossVenueBoard()): Feature<Params> {
  return {
    name: 'venue_premium',
    family: 'cross-asset',
    unit: 'bps',
    description:
      "A venue-symbol's price over the median of the same asset on the other venues, less its usual level.",
    formula:
      'p_k - EWM(p), p = (ln mid - median over other venues quoted within maxAgeMs of ln mid) * 1e4; EWM in event time',
    window:
      'instantaneous against an exponential mean, half-life halfLifeMs (default 2 min); warm-up warmupMs (5 min)',
    reveals: 'one venue pushed away from the others: pumps, flash crashes and squeezes local to a venue',
    keyKind: 'venue-symbol',
    inputs: ['book', 'ticker', 'trade'],
    defaults: { maxAgeMs: 5_000, minOthers: 2, halfLifeMs: 120_000, warmupMs: 300_000 },
    shared: board,
    create(params) {
      return state({ ...this.defaults, ...params }, board, Number.NaN, Number.NaN, Number.NaN, Number.NaN);
    },
    restore(json, params) {
      const j = json as { m: number | null; t: number | null; f: number | null; v: number | null };
      return state(
        { ...this.defaults, ...params },
        board,
        j.m ?? Number.NaN,
        j.t ?? Number.NaN,
        j.f ?? Number.NaN,
        j.v ?? Number.NaN,
      );
    },
  };
}

function state(
  p: Params,
  board: CrossVenueBoard,
  mean: number,
  time: number,
  first: number,
  value: number,
): FeatureState {
  const n = (x: number) => (Number.isNaN(x) ? null : x);
  return {
    update({ event, book, subject }) {
      const venue = subject?.venue ?? ('venue' in event ? event.venue : undefined);
      const symbol = subject?.symbol ?? ('symbol' in event ? event.symbol : undefined);
      const m = book.fairPrice();
      if (!venue || !symbol || !(m > 0) || event.eventTime < time) return;
      const logMid = Math.log(m);
      const ref = board.observe(assetOf(symbol), venue, event.eventTime, logMid, p.maxAgeMs, p.minOthers);
      if (Number.isNaN(ref)) {
        value = Number.NaN;
        return;
      }
      const prem = (logMid - ref) * 1e4;
      if (Number.isNaN(first)) {
        first = event.eventTime;
        mean = prem;
      }
      // Against the mean before this sample, so a jump shows in full.
      value = event.eventTime - first >= p.warmupMs ? prem - mean : Number.NaN;
      mean +=
        (1 - Math.pow(0.5, (event.eventTime - (Number.isNaN(time) ? first : time)) / p.halfLifeMs)) *
        (prem - mean);
      time = event.eventTime;
    },
    value: () => (Number.isNaN(value) ? undefined : value),
    toJSON: () => ({ m: n(mean), t: n(time), f: n(first), v: n(value) }),
  };
}
