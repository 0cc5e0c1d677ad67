import type { Scenario } from '../scenario.ts';
import { keys } from '../scenario.ts';
import { poisson, sortedTimes } from '../sampling.ts';
import { actor, ramp } from './shape.ts';

export interface PumpAndDumpParams {
  readonly venue: string;
  readonly symbol: string;
  /** Rise: log price gain over `riseMs`; the group's orders make the trade rate `intensity` times normal. */
  readonly riseMs: number;
  readonly rise: number;
  readonly intensity: number;
  /** Dump: back to the fair price over `dumpMs`, sellers taking over. */
  readonly dumpMs: number;
}

/**
 * Pump and dump on one venue: a coordinated group buys aggressively (taker rate and size up, 85 %
 * buyers) and walks the venue's price up while the other venues stay put; then it sells into the
 * rise and the price falls back to fair.
 */
export function pumpAndDump(p: PumpAndDumpParams, name = 'pump-and-dump'): Scenario {
  return {
    name,
    description: `${(p.rise * 100).toFixed(1)} % pump of ${p.symbol} on ${p.venue} over ${p.riseMs / 1000} s, dumped over ${p.dumpMs / 1000} s`,
    durationMs: p.riseMs + p.dumpMs,
    create(world, start, rng) {
      const book = world.book(p.venue, p.symbol);
      // The venue's trade rate before the pump: the group adds (intensity - 1) times as many.
      const normalRate = Math.max(1, book.tradeRate(start));
      const lot = book.spec.lotSize;
      return {
        truth: {
          scenario: name,
          keys: [keys.venueSymbol(p.venue, p.symbol)],
          start,
          end: start + p.riseMs + p.dumpMs + 10_000,
          description: this.description,
        },
        step({ t, elapsed, stepMs }) {
          if (elapsed >= p.riseMs + p.dumpMs) return;
          const o = book.overrides;
          const rising = elapsed < p.riseMs;
          o.fairOffset = rising
            ? ramp(elapsed, p.riseMs, 0, p.rise)
            : ramp(elapsed - p.riseMs, p.dumpMs, p.rise, 0);
          o.buyShare = rising ? 0.85 : 0.15;
          o.takerSize = 2;
          // The group's own aggressive orders, one to three fills each.
          const n = poisson(rng, ((p.intensity - 1) * normalRate * stepMs) / 1000);
          for (const at of sortedTimes(rng, n, t, stepMs)) {
            const buy = rng.next() < (rising ? 0.85 : 0.15);
            const qty = lot * (0.3 + rng.next());
            const who = actor(rng.next());
            world.at(
              book,
              at,
              () =>
                void book.market(
                  at,
                  who,
                  buy ? 'buy' : 'sell',
                  qty,
                  buy ? book.bestAsk + 3 : book.bestBid - 3,
                ),
            );
          }
        },
      };
    },
  };
}

/** The suite's pump and dump: SOLUSDT on venue-a, +3 % in 45 s, dumped in 15 s. */
export const pumpAndDumpScenario = pumpAndDump({
  venue: 'venue-a',
  symbol: 'SOLUSDT',
  riseMs: 45_000,
  rise: 0.03,
  intensity: 8,
  dumpMs: 15_000,
});
