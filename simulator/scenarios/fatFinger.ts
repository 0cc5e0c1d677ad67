import type { Scenario } from '../scenario.ts';
import { keys } from '../scenario.ts';
import { actor } from './shape.ts';

const VENUE = 'venue-c';
const SYMBOL = 'SOLUSDT';

/**
 * Fat-finger order: one sell order of about 600 lots (a typo: two zeros too many) with a limit far
 * through the book sweeps dozens of levels in one millisecond; market makers and passive traders
 * refill the book and the price comes back over the next half minute.
 */
export const fatFinger: Scenario = {
  name: 'fat-finger',
  description: `one sell order of ~600 lots sweeps the ${SYMBOL} book at ${VENUE}`,
  durationMs: 30_000,
  create(world, start, rng) {
    const book = world.book(VENUE, SYMBOL);
    const who = actor(rng.next());
    let done = false;
    return {
      truth: {
        scenario: this.name,
        keys: [keys.venueSymbol(VENUE, SYMBOL)],
        start,
        end: start + 30_000,
        description: this.description,
      },
      step({ t }) {
        if (done) return;
        done = true;
        const qty = book.spec.lotSize * (550 + rng.next() * 100);
        world.at(book, t, () => void book.place(t, who, 'sell', book.bestBid - 400, qty));
      },
    };
  },
};
