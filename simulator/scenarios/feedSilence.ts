import type { Scenario } from '../scenario.ts';
import { keys } from '../scenario.ts';

const VENUE = 'venue-b';
const DURATION = 30_000;

/**
 * A venue feed going silent: everything one venue publishes (depth, tickers, trades and order
 * events, every symbol) stops for 30 s while it keeps matching; the feed comes back with a fresh
 * snapshot. The other venues carry on, so event time goes on too.
 */
export const feedSilence: Scenario = {
  name: 'feed-silence',
  description: `${VENUE}'s feed (every symbol) stops for ${DURATION / 1000} s`,
  durationMs: DURATION,
  create(world, start) {
    const books = world.books.filter((b) => b.venue === VENUE);
    return {
      truth: {
        scenario: this.name,
        keys: [`venue:${VENUE}`, ...books.map((b) => keys.venueSymbol(b.venue, b.symbol))],
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
