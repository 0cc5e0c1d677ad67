import type { Rng } from '../core/rng.ts';

/** An instrument the simulator trades, with its place in the factor model. */
export interface SymbolSpec {
  readonly symbol: string;
  /** Starting price, quote currency. */
  readonly price: number;
  /** Price increment of the simulated venues (coarser than Binance's, see docs/simulator.md). */
  readonly tick: number;
  /** Loading on the common market factor. */
  readonly beta: number;
  /** Own volatility per sqrt(second), as a log return. */
  readonly idioVol: number;
  /** Typical (median) order size in base units. */
  readonly lotSize: number;
}

export interface FactorModelParams {
  /** Volatility of the common factor per sqrt(second) at the average volatility level. */
  readonly marketVol: number;
  /** Standard deviation of log volatility (stochastic volatility: calm and busy spells). */
  readonly volOfVol: number;
  /** Mean reversion time of log volatility, seconds. */
  readonly volReversionS: number;
  /** Jumps of the common factor per hour, and their log-size standard deviation. */
  readonly jumpsPerHour: number;
  readonly jumpSize: number;
  /**
   * Prices move mostly in discrete news arrivals (a compound Poisson process) rather than by
   * diffusion: `newsShare` of the variance comes in `newsPerSec` arrivals (at average volatility),
   * which gives the fat-tailed 1 s returns and the quiet spells between moves of real books.
   */
  readonly newsPerSec: number;
  readonly newsShare: number;
}

export const defaultFactorParams: FactorModelParams = {
  marketVol: 0.00007,
  volOfVol: 0.35,
  volReversionS: 180,
  jumpsPerHour: 4,
  jumpSize: 0.0004,
  newsPerSec: 0.5,
  newsShare: 0.5,
};

/**
 * Fair log prices driven by one common market factor plus each symbol's own noise, so assets
 * correlate as they do (BTC and ETH about 0.7 at 10 s). Volatility is stochastic (a log-OU level
 * shared by all symbols, which also drives trading activity) and the factor jumps now and then:
 * that gives the fat-tailed short returns of real captures. Scenarios may override a symbol's beta
 * (a correlation break) or shift its fair price.
 */
export class FactorModel {
  private readonly logFair = new Map<string, number>();
  private logVol = 0;
  /** Cumulative common factor (log). */
  market = 0;
  /** Per-symbol beta overrides and extra idiosyncratic volatility, set by scenarios. */
  readonly betaOverride = new Map<string, number>();
  readonly extraVol = new Map<string, number>();

  constructor(
    readonly symbols: readonly SymbolSpec[],
    readonly params: FactorModelParams,
    private readonly rng: Rng,
  ) {
    for (const s of symbols) this.logFair.set(s.symbol, Math.log(s.price));
  }

  /** Current volatility level relative to the average (1 = normal). */
  get activity(): number {
    return Math.exp(this.logVol);
  }

  /** Advances every fair price by `dtMs`. */
  step(dtMs: number): void {
    const dt = dtMs / 1000;
    const p = this.params;
    const a = dt / p.volReversionS;
    this.logVol += -a * this.logVol + p.volOfVol * Math.sqrt(2 * a) * this.rng.normal();
    const v = this.activity;
    // News arrive faster in busy spells; their size stays, so variance scales with v². Every
    // symbol's own news comes at the same moments (one announcement moves the whole board).
    const news = this.rng.next() < p.newsPerSec * v * v * dt;
    let m = this.innovation(p.marketVol, v, dt, news);
    if (this.rng.next() < (p.jumpsPerHour / 3600) * dt) m += this.rng.normal() * p.jumpSize;
    this.market += m;
    for (const s of this.symbols) {
      const beta = this.betaOverride.get(s.symbol) ?? s.beta;
      const extra = this.extraVol.get(s.symbol) ?? 0;
      const idio =
        this.innovation(s.idioVol, v, dt, news) + (extra ? this.rng.normal() * extra * Math.sqrt(dt) : 0);
      const x = this.logFair.get(s.symbol)! + beta * m + idio;
      this.logFair.set(s.symbol, x);
    }
  }

  /** A log-price move over `dt` s with volatility `vol` per sqrt(s) at activity `v`: diffusion plus news. */
  private innovation(vol: number, v: number, dt: number, news: boolean): number {
    const p = this.params;
    let x = this.rng.normal() * vol * v * Math.sqrt((1 - p.newsShare) * dt);
    if (news) x += this.rng.normal() * vol * Math.sqrt(p.newsShare / p.newsPerSec);
    return x;
  }

  /** Fair log price of a symbol. */
  fair(symbol: string): number {
    return this.logFair.get(symbol)!;
  }

  /** Moves a symbol's fair price by `dLog` for good (news, a scenario's shock). */
  shift(symbol: string, dLog: number): void {
    this.logFair.set(symbol, this.fair(symbol) + dLog);
  }
}
