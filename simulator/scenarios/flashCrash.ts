import type { Scenario } from '../scenario.ts';
import { keys } from '../scenario.ts';
import { ramp } from './shape.ts';

const VENUE = 'venue-b';
const SYMBOL = 'BTCUSDT';
const DROP_MS = 8_000;
const RECOVER_MS = 40_000;
const DROP = -0.05;

/**
 * Flash crash on one venue: market makers pull back (passive flow dries up), a wave of large sell
 * orders sweeps the thin book and the venue's price falls 5 % in 8 s, then recovers over 40 s as
 * liquidity returns. The other venues barely move.
 */
export const flashCrash: Scenario = {
  name: 'flash-crash',
  description: `${SYMBOL} on ${VENUE} falls ${-DROP * 100} % in ${DROP_MS / 1000} s on a thin book, recovers in ${RECOVER_MS / 1000} s`,
  durationMs: DROP_MS + RECOVER_MS,
  create(world, start) {
    const book = world.book(VENUE, SYMBOL);
    return {
      truth: {
        scenario: this.name,
        keys: [keys.venueSymbol(VENUE, SYMBOL)],
        start,
        end: start + DROP_MS + RECOVER_MS,
        description: this.description,
      },
      step({ elapsed }) {
        const o = book.overrides;
        if (elapsed < DROP_MS) {
          o.fairOffset = ramp(elapsed, DROP_MS, 0, DROP);
          o.takerRate = 15;
          o.takerSize = 4;
          o.buyShare = 0.05;
          o.limitRate = 0.2;
        } else if (elapsed < DROP_MS + RECOVER_MS) {
          o.fairOffset = ramp(elapsed - DROP_MS, RECOVER_MS, DROP, 0);
          o.takerRate = 3;
          o.buyShare = 0.7;
        }
      },
    };
  },
};
