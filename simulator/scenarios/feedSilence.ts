import type { Scenario } from '../scenario.ts';
import { keys } from '../scenario.ts';

const VENUE = 'venue-b';
const DURATION = 30_000;

/**
 * A venue feed going silent: the market-data feed of one venue (depth, tickers, trades for every
 * symbol) stops for 30 s while the venue keeps matching and the desk's order gateway keeps sending
 * orders there, blind. The feed comes back with a fresh snapshot.
 */
export const feedSilence: Scenario = {
  name: 'feed-silence',
  description: `${VENUE}'s market data stops for ${DURATION / 1000} s while orders keep flowing`,
  durationMs: DURATION,
  create(world, start) {
    const books = world.books.filter((b) => b.venue === VENUE);
    return {
      truth: {
        scenario: this.name,
        keys: books.map((b) => keys.venueSymbol(b.venue, b.symbol)),
        start,
        end: start + DURATION + 5_000,
        description: this.description,
      },
      step({ elapsed }) {
        if (elapsed < DURATION) for (const b of books) b.silent = true;
      },
    };
  },
};
