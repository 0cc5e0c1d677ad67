import type { Scenario } from '../scenario.ts';

const SYMBOL = 'ETHUSDT';
const REFERENCE = 'BTCUSDT';
const DURATION = 180_000;

/** Pair keys of two venue-symbols in both leg orders, as the cross-asset stage spells them. */
export function pairKeys(a: string, b: string): string[] {
  return [`pair:${a}|${b}`, `pair:${b}|${a}`];
}

/**
 * Correlation break: for three minutes ETH stops following the market: its beta to the common
 * factor turns negative and its own volatility triples, on every venue, while BTC and SOL carry on.
 * Detected on the ETH pairs (with BTC, and with SOL) of the cross-asset stage.
 */
export const correlationBreak: Scenario = {
  name: 'correlation-break',
  description: `${SYMBOL} decouples from the market, ${REFERENCE} and the rest (beta -0.8, 3x own volatility) for ${DURATION / 1000} s on every venue`,
  durationMs: DURATION,
  create(world, start) {
    const sym = world.factor.symbols.find((s) => s.symbol === SYMBOL)!;
    return {
      truth: {
        scenario: this.name,
        // ETH leaves the common factor, so it breaks with every other asset, not only BTC: its
        // pairs with each of them on each venue.
        keys: world.venues.flatMap((v) =>
          world.factor.symbols
            .filter((o) => o.symbol !== SYMBOL)
            .flatMap((o) => pairKeys(`${v}:${SYMBOL}`, `${v}:${o.symbol}`)),
        ),
        start,
        end: start + DURATION + 30_000,
        description: this.description,
      },
      step({ elapsed }) {
        if (elapsed < DURATION) {
          world.factor.betaOverride.set(SYMBOL, -0.8);
          world.factor.extraVol.set(SYMBOL, sym.idioVol * 2);
        } else {
          world.factor.betaOverride.delete(SYMBOL);
          world.factor.extraVol.delete(SYMBOL);
        }
      },
    };
  },
};
