import type { Rng } from '../core/rng.ts';
import type { Side } from '../schemas/common.ts';
import { exponential, logNormal, pareto, poisson, sortedTimes } from './sampling.ts';
import type { VenueBook } from './venueBook.ts';

/** Rates and sizes of a book's background participants. */
export interface FlowParams {
  /** Baseline arrivals of taker (market) orders per second, before self-excitation. */
  readonly takerRate: number;
  /** Hawkes self-excitation: expected takers triggered by one taker, and the decay time in s. */
  readonly hawkesBranching: number;
  readonly hawkesDecayS: number;
  /** Passive limit orders per second from non-market-making accounts. */
  readonly limitRate: number;
  /** Cancellation rate of each resting passive order, per second. */
  readonly cancelRate: number;
  /** Levels per side the market makers keep at the touch, and their size in lots. */
  readonly mmLevels: number;
  readonly mmSize: number;
  /** Market-maker quote reviews per second. */
  readonly mmReviewsPerSec: number;
  /** How hard takers lean towards the fair price: buy probability is logistic(kappa × (fair − mid) in ticks). */
  readonly informedKappa: number;
  /** ... and towards the heavier side of the book: logit += imbalanceKappa × imbalance of the top 5 levels. */
  readonly imbalanceKappa: number;
  /** Share of takers that clear the whole opposite touch (one order, several makers, one millisecond). */
  readonly sweepShare: number;
  /** Tail exponent of taker sizes (Pareto) and its minimum in lots; cap in lots. */
  readonly takerTail: number;
  readonly takerMinLots: number;
  readonly takerMaxLots: number;
  /** Short-lived quotes near the touch from high-frequency accounts: per second, and mean life in s. */
  readonly flickerRate: number;
  readonly flickerLifeS: number;
  /** Chance that a passive order the fair price has moved through is pulled before it is picked off. */
  readonly staleCancel: number;
  /** Inventory skew of market-maker quote sizes: its deviation (log size) and mean reversion time in s. */
  readonly mmSkew: number;
  readonly mmSkewReversionS: number;
  /** Chance that a market maker restores its quotes right after a taker (within the same millisecond). */
  readonly mmRefill: number;
  /** Median passive order size in lots and its log-normal deviation: many small orders queue at a level. */
  readonly limitSizeLots: number;
  readonly limitSizeSigma: number;
  readonly accounts: number;
  /** Passive orders further than this many ticks from the fair price are withdrawn. */
  readonly maxDistanceTicks: number;
}

export const defaultFlowParams: FlowParams = {
  takerRate: 0.2,
  hawkesBranching: 0.8,
  hawkesDecayS: 0.3,
  limitRate: 3,
  cancelRate: 0.06,
  mmLevels: 1,
  mmSize: 5,
  mmReviewsPerSec: 2,
  informedKappa: 0.9,
  imbalanceKappa: 1.2,
  sweepShare: 0.45,
  takerTail: 1.0,
  takerMinLots: 0.05,
  takerMaxLots: 800,
  limitSizeLots: 0.15,
  limitSizeSigma: 2,
  mmRefill: 0.9,
  mmSkew: 1,
  mmSkewReversionS: 1,
  flickerRate: 2,
  flickerLifeS: 0.8,
  staleCancel: 0.9,
  accounts: 400,
  maxDistanceTicks: 80,
};

/** Something that happens in a book at an event time. */
export interface BookAction {
  readonly t: number;
  readonly run: () => void;
}

/**
 * The background participants of one book: self-exciting (Hawkes) takers who lean towards the fair
 * price and sweep the touch with heavy-tailed sizes, passive traders who place orders at
 * power-law distances from the fair price and cancel them at random, and market makers who keep a
 * one-tick spread around the fair price and move their quotes with it. The mid follows the fair
 * price through these agents only; nothing sets it directly.
 */
export class NormalFlow {
  private excitation = 0;
  /** Market makers' inventory skew (an OU process): long makers quote more on the ask than the bid. */
  private skew = 0;
  private lastFair = Number.NaN;
  /** Planned cancellations of flickering quotes: [time, order id], in time order. */
  private flickers: [number, string][] = [];
  private readonly mm: string[];
  private readonly mmQuotes = new Map<string, { side: Side; tick: number; id: string }>();

  constructor(
    private readonly book: VenueBook,
    readonly params: FlowParams,
    private readonly rng: Rng,
  ) {
    this.mm = [`mm-${book.venue}-1`, `mm-${book.venue}-2`];
  }

  private account(): string {
    return `acct-${1 + this.rng.int(this.params.accounts)}`;
  }

  /** Fills an empty book around `fairTick` (start of the simulation). */
  seed(t: number, fairTick: number): void {
    const f = Math.floor(fairTick);
    for (let d = 0; d < 40; d++)
      for (const side of ['buy', 'sell'] as const) {
        const n = 1 + this.rng.int(3);
        for (let k = 0; k < n; k++)
          this.book.place(
            t,
            this.account(),
            side,
            side === 'buy' ? f - d : f + 1 + d,
            logNormal(
              this.rng,
              this.book.spec.lotSize * this.params.limitSizeLots,
              this.params.limitSizeSigma,
            ),
          );
      }
    this.reviewQuotes(t, fairTick);
  }

  /** The step's actions, in time order: takers, passive orders, cancels and quote reviews. */
  plan(t0: number, stepMs: number, fairTick: number, activity: number): BookAction[] {
    const p = this.params;
    const o = this.book.overrides;
    const dt = stepMs / 1000;
    const rng = this.rng;
    const actions: BookAction[] = [];
    const lot = this.book.spec.lotSize;

    // Scenario pressure scales the baseline only: scaling the self-excitation too would make it explode.
    const takerLambda = p.takerRate * activity * o.takerRate + this.excitation;
    const nTakers = poisson(rng, takerLambda * dt);
    for (const t of sortedTimes(rng, nTakers, t0, stepMs)) {
      const size = Math.min(p.takerMaxLots, pareto(rng, p.takerMinLots, p.takerTail)) * lot * o.takerSize;
      const u = rng.next();
      const refill = rng.next();
      const sweep = rng.next() < p.sweepShare ? 1 + rng.next() * 0.3 : 0;
      actions.push({
        t,
        run: () => {
          const mid = this.book.midTick;
          const lean = Number.isNaN(mid) ? 0 : fairTick - mid;
          const logit = p.informedKappa * lean + p.imbalanceKappa * this.book.depthImbalance(5);
          const pBuy = o.buyShare ?? 1 / (1 + Math.exp(-logit));
          const side: Side = u < pBuy ? 'buy' : 'sell';
          const best = side === 'buy' ? this.book.bestAsk : this.book.bestBid;
          const qty = sweep ? this.book.qtyAt(side === 'buy' ? 'sell' : 'buy', best) * sweep : size;
          // Protection band: no taker walks the book more than 25 ticks.
          this.book.market(t, this.account(), side, qty, best + (side === 'buy' ? 25 : -25));
          if (refill < p.mmRefill) this.reviewQuotes(t, fairTick);
        },
      });
    }
    this.excitation = Math.min(
      50,
      this.excitation * Math.exp(-dt / p.hawkesDecayS) + (nTakers * p.hawkesBranching) / p.hawkesDecayS,
    );

    const nLimits = poisson(rng, p.limitRate * activity * o.limitRate * dt);
    for (const t of sortedTimes(rng, nLimits, t0, stepMs)) {
      const side: Side = rng.next() < 0.5 ? 'buy' : 'sell';
      const away = Math.min(p.maxDistanceTicks - 1, Math.floor(pareto(rng, 1, 1.1)) - 1);
      const qty = logNormal(rng, lot * p.limitSizeLots, p.limitSizeSigma);
      actions.push({
        t,
        run: () => {
          // Passive: priced off the fair price, never crossing the opposite touch.
          const f = Math.floor(fairTick);
          const tick =
            side === 'buy'
              ? Math.min(f - away, this.book.bestAsk - 1)
              : Math.max(f + 1 + away, this.book.bestBid + 1);
          this.book.place(t, this.account(), side, tick, qty);
        },
      });
    }

    const nCancels = poisson(rng, p.cancelRate * this.book.openOrders * dt);
    for (const t of sortedTimes(rng, nCancels, t0, stepMs)) {
      const u = rng.next();
      actions.push({
        t,
        run: () => {
          const victim = this.book.orderAt(u);
          // Its own passive orders only: market makers manage theirs, a scenario's actor its own.
          if (victim && !victim.account.startsWith('mm-') && !victim.injected) this.book.cancel(t, victim.id);
        },
      });
    }

    const a = dt / p.mmSkewReversionS;
    this.skew += -a * this.skew + Math.sqrt(2 * a) * rng.normal();

    const nFlicker = poisson(rng, p.flickerRate * activity * o.limitRate * dt);
    for (const t of sortedTimes(rng, nFlicker, t0, stepMs)) {
      const side: Side = rng.next() < 0.5 ? 'buy' : 'sell';
      const away = rng.int(4);
      const qty = logNormal(rng, lot * p.limitSizeLots, p.limitSizeSigma);
      const life = Math.max(1, Math.round(exponential(rng, p.flickerLifeS * 1000)));
      actions.push({
        t,
        run: () => {
          const tick =
            side === 'buy'
              ? Math.min(this.book.bestBid - away, this.book.bestAsk - 1)
              : Math.max(this.book.bestAsk + away, this.book.bestBid + 1);
          if (!Number.isFinite(tick)) return;
          const id = this.book.place(t, `hft-${this.book.venue}-${1 + (away % 3)}`, side, tick, qty);
          if (id) this.flickers.push([t + life, id]);
        },
      });
    }
    if (this.flickers.length) {
      this.flickers.sort((a, b) => a[0] - b[0]);
      while (this.flickers.length && this.flickers[0]![0] < t0 + stepMs) {
        const [t, id] = this.flickers.shift()!;
        actions.push({ t: Math.max(t0, t), run: () => void this.book.cancel(Math.max(t0, t), id) });
      }
    }

    // News moved the fair price: most owners of quotes it moved through pull them at once; the
    // rest are picked off by takers and by market makers re-quoting across them.
    if (Math.floor(fairTick) !== Math.floor(this.lastFair)) {
      const f = fairTick;
      const stale: string[] = [];
      for (const r of this.book.restingOrders())
        if (
          !r.account.startsWith('mm-') &&
          !r.injected &&
          (r.side === 'buy' ? r.tick >= f : r.tick + 1 <= f) &&
          rng.next() < p.staleCancel
        )
          stale.push(r.id);
      const t = t0 + rng.int(3);
      actions.push({ t, run: () => stale.forEach((id) => this.book.cancel(t, id)) });
      actions.push({ t, run: () => this.reviewQuotes(t, fairTick) });
    }
    this.lastFair = fairTick;

    const nReviews = poisson(rng, p.mmReviewsPerSec * dt);
    for (const t of sortedTimes(rng, nReviews, t0, stepMs))
      actions.push({ t, run: () => this.reviewQuotes(t, fairTick) });

    if (rng.next() < dt / 5) {
      // Now and then, withdraw passive orders that the price has left far behind.
      const t = t0 + (Math.floor(exponential(rng, stepMs / 2)) % stepMs);
      actions.push({
        t,
        run: () => {
          const stale: string[] = [];
          for (const r of this.book.restingOrders())
            if (!r.injected && Math.abs(r.tick - fairTick) > p.maxDistanceTicks) stale.push(r.id);
          for (const id of stale) this.book.cancel(t, id);
        },
      });
    }
    return actions;
  }

  /**
   * Market makers quote `mmLevels` levels per side with a one-tick spread around the fair price,
   * cancelling quotes the fair price has moved away from; a quote on the wrong side of the fair
   * price is marketable and trades against stale passive orders, which is how the mid catches up.
   */
  private reviewQuotes(t: number, fairTick: number): void {
    const p = this.params;
    const bid = Math.floor(fairTick);
    // Each market maker quotes every level: a sweep meets several makers' orders in the queue.
    const want = new Map<string, { side: Side; tick: number; mm: string }>();
    for (const mm of this.mm)
      for (let i = 0; i < p.mmLevels; i++) {
        want.set(`${mm}b${bid - i}`, { side: 'buy', tick: bid - i, mm });
        want.set(`${mm}a${bid + 1 + i}`, { side: 'sell', tick: bid + 1 + i, mm });
      }
    for (const [k, q] of this.mmQuotes) {
      const alive = this.book.order(q.id) !== undefined;
      if (!want.has(k) || !alive) {
        if (alive) this.book.cancel(t, q.id);
        this.mmQuotes.delete(k);
      }
    }
    for (const [k, w] of want) {
      if (this.mmQuotes.has(k)) continue;
      // Capped: makers skew their sizes, they do not post walls.
      const skew = Math.exp(
        (w.side === 'buy' ? -1 : 1) * p.mmSkew * Math.max(-1.2, Math.min(1.2, this.skew)),
      );
      const size = logNormal(this.rng, (p.mmSize / this.mm.length) * this.book.spec.lotSize * skew, 0.5);
      const id = this.book.place(t, w.mm, w.side, w.tick, size);
      if (id) this.mmQuotes.set(k, { side: w.side, tick: w.tick, id });
    }
  }
}
