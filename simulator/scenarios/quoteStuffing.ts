import type { Scenario } from '../scenario.ts';
import { keys } from '../scenario.ts';
import { actor } from './shape.ts';

const VENUE = 'venue-c';
const SYMBOL = 'ETHUSDT';
const DURATION = 15_000;
const PER_SEC = 400;

/**
 * Quote stuffing: one account floods the book with orders a few ticks behind the touch and cancels
 * each within 5-50 ms, about 400 orders a second for 15 s: message traffic that slows other
 * participants' view of the book without any intent to trade.
 */
export const quoteStuffing: Scenario = {
  name: 'quote-stuffing',
  description: `${PER_SEC} orders/s placed and cancelled within milliseconds on ${SYMBOL} at ${VENUE} for ${DURATION / 1000} s`,
  durationMs: DURATION,
  create(world, start, rng) {
    const book = world.book(VENUE, SYMBOL);
    const who = actor(rng.next());
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
        if (elapsed >= DURATION) return;
        const n = Math.round((PER_SEC * stepMs) / 1000);
        for (let i = 0; i < n; i++) {
          const at = t + Math.floor((i * stepMs) / n);
          const buy = rng.next() < 0.5;
          const away = 2 + rng.int(4);
          const life = 5 + rng.int(45);
          const qty = lot * (0.5 + rng.next());
          world.at(book, at, () => {
            const id = book.place(
              at,
              who,
              buy ? 'buy' : 'sell',
              buy ? book.bestBid - away : book.bestAsk + away,
              qty,
            );
            // The cancel lands in this step or, clamped, at its end.
            if (id)
              world.at(
                book,
                Math.min(at + life, t + stepMs - 1),
                () => void book.cancel(Math.min(at + life, t + stepMs - 1), id),
              );
          });
        }
      },
    };
  },
};
