import type { Scenario } from '../scenario.ts';
import { keys } from '../scenario.ts';
import { actor, ramp } from './shape.ts';

const VENUE = 'venue-a';
const SYMBOL = 'BTCUSDT';
const IGNITE_MS = 6_000;
const FOLLOW_MS = 12_000;
const EXIT_MS = 10_000;

/**
 * Momentum ignition: one account fires a rapid series of aggressive buy orders (six seconds,
 * several a second) that lift the price about 0.6 %, momentum followers pile in, and the igniter
 * then sells its position into them while the price falls back.
 */
export const momentumIgnition: Scenario = {
  name: 'momentum-ignition',
  description: `aggressive buy burst by one account on ${SYMBOL} at ${VENUE}, followers chase, igniter sells out`,
  durationMs: IGNITE_MS + FOLLOW_MS + EXIT_MS,
  create(world, start, rng) {
    const book = world.book(VENUE, SYMBOL);
    const who = actor(rng.next());
    const lot = book.spec.lotSize;
    return {
      truth: {
        scenario: this.name,
        keys: [keys.venueSymbol(VENUE, SYMBOL)],
        start,
        end: start + IGNITE_MS + FOLLOW_MS + EXIT_MS + 5_000,
        description: this.description,
      },
      step({ t, elapsed, stepMs }) {
        const o = book.overrides;
        if (elapsed < IGNITE_MS) {
          o.fairOffset = ramp(elapsed, IGNITE_MS, 0, 0.006);
          for (let i = rng.int(3); i > 0; i--) {
            const at = t + rng.int(stepMs);
            world.at(
              book,
              at,
              () => void book.market(at, who, 'buy', lot * (3 + rng.next() * 4), book.bestAsk + 15),
            );
          }
        } else if (elapsed < IGNITE_MS + FOLLOW_MS) {
          o.fairOffset = 0.006;
          o.takerRate = 4;
          o.buyShare = 0.8;
        } else if (elapsed < IGNITE_MS + FOLLOW_MS + EXIT_MS) {
          o.fairOffset = ramp(elapsed - IGNITE_MS - FOLLOW_MS, EXIT_MS, 0.006, 0);
          if (rng.next() < 0.3) {
            const at = t + rng.int(stepMs);
            world.at(
              book,
              at,
              () => void book.market(at, who, 'sell', lot * (2 + rng.next() * 3), book.bestBid - 15),
            );
          }
        }
      },
    };
  },
};
