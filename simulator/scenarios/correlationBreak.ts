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
 * factor turns negative and its own volatility triples, on every venue, while BTC carries on.
 * Detected on the ETH/BTC pairs of the cross-asset stage.
 */
export const correlationBreak: Scenario = {
  name: 'correlation-break',
  description: `${SYMBOL} decouples from ${REFERENCE} (beta -0.8, 3x own volatility) for ${DURATION / 1000} s on every venue`,
  durationMs: DURATION,
  create(world, start) {
    const sym = world.factor.symbols.find((s) => s.symbol === SYMBOL)!;
    return {
      truth: {
        scenario: this.name,
        keys: world.venues.flatMap((v) => pairKeys(`${v}:${SYMBOL}`, `${v}:${REFERENCE}`)),
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
