import type { Scenario } from '../scenario.ts';
import { keys } from '../scenario.ts';
import { actor } from './shape.ts';

const VENUE = 'venue-b';
const SYMBOL = 'SOLUSDT';
const DURATION = 60_000;

/**
 * Wash trading: one account trades with itself (and with a second account it controls) about
 * twice a second for a minute: it rests an order inside the spread (or at the back of the touch,
 * then takes the whole level) and takes it at once, printing volume at an unchanged price. Its
 * orders skip the venue's self-trade prevention, so the self-trades carry one account on both sides.
 */
export const washTrading: Scenario = {
  name: 'wash-trading',
  description: `self-matched trades on ${SYMBOL} at ${VENUE}, two a second for ${DURATION / 1000} s`,
  durationMs: DURATION,
  create(world, start, rng) {
    const book = world.book(VENUE, SYMBOL);
    const a = actor(rng.next());
    const b = actor(rng.next());
    const lot = book.spec.lotSize;
    return {
      truth: {
        scenario: this.name,
        keys: [keys.venueSymbol(VENUE, SYMBOL)],
        start,
        end: start + DURATION + 5_000,
        description: this.description,
      },
      step({ t, elapsed, stepMs }) {
        // The first wash trade opens the scenario (its ground-truth start); then about two a second.
        if (elapsed >= DURATION || (elapsed > 0 && rng.next() > (2 * stepMs) / 1000)) return;
        const at = t + rng.int(stepMs);
        const sell = rng.next() < 0.5;
        const maker = a;
        const taker = elapsed === 0 || rng.next() < 0.7 ? a : b;
        const qty = lot * (1 + rng.next() * 3);
        world.at(book, at, () => {
          // Inside the spread when there is room, else at the touch behind the queue: take it all.
          const tick = sell
            ? book.bestAsk - (book.bestAsk - book.bestBid > 1 ? 1 : 0)
            : book.bestBid + (book.bestAsk - book.bestBid > 1 ? 1 : 0);
          const id = book.place(at, maker, sell ? 'sell' : 'buy', tick, qty, true);
          if (id)
            book.market(
              at,
              taker,
              sell ? 'buy' : 'sell',
              book.qtyAt(sell ? 'sell' : 'buy', tick),
              tick,
              true,
            );
        });
      },
    };
  },
};
