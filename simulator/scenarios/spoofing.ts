import type { Scenario } from '../scenario.ts';
import { keys } from '../scenario.ts';
import { actor } from './shape.ts';

const VENUE = 'venue-a';
const SYMBOL = 'ETHUSDT';
const CYCLES = 8;
const CYCLE_MS = 7_000;

/**
 * Spoofing: one account repeatedly shows a large bid (60-80 lots, several times the depth near the
 * touch) five ticks under the best bid, sells small while it is displayed (offers at the ask,
 * now and then a market sell) as buyers lean on the heavier book, and pulls the bid after 2-4 s,
 * or as soon as the price comes within two ticks of it, before it can trade. Eight cycles in a minute.
 */
export const spoofing: Scenario = {
  name: 'spoofing',
  description: `large bids on ${SYMBOL} at ${VENUE} shown and pulled within seconds, ${CYCLES} times, while selling small`,
  durationMs: CYCLES * CYCLE_MS,
  create(world, start, rng) {
    const book = world.book(VENUE, SYMBOL);
    const who = actor(rng.next());
    const lot = book.spec.lotSize;
    let spoof: string | undefined;
    let pullAt = 0;
    let cycle = -1;
    return {
      truth: {
        scenario: this.name,
        keys: [keys.venueSymbol(VENUE, SYMBOL)],
        start,
        end: start + CYCLES * CYCLE_MS + 5_000,
        description: this.description,
      },
      step({ t, elapsed, stepMs }) {
        const c = Math.floor(elapsed / CYCLE_MS);
        if (c >= CYCLES && !spoof) return;
        if (c !== cycle && c < CYCLES) {
          cycle = c;
          const at = t + rng.int(stepMs);
          pullAt = at + 2_000 + rng.int(2_000);
          world.at(book, at, () => {
            spoof = book.place(at, who, 'buy', book.bestBid - 5, lot * (60 + rng.next() * 20));
          });
        }
        if (spoof && rng.next() < 0.5) {
          // Sell into the buying the displayed size attracts: small offers at the ask, now and then
          // a small market sell.
          const at = t + rng.int(stepMs);
          const qty = lot * (0.2 + rng.next() * 0.3);
          if (rng.next() < 0.5) world.at(book, at, () => void book.place(at, who, 'sell', book.bestAsk, qty));
          else world.at(book, at, () => void book.market(at, who, 'sell', qty, book.bestBid));
        }
        // Pulled on schedule, or at once when the price comes within a tick of it (it must not trade).
        const resting = spoof ? book.order(spoof) : undefined;
        if (resting && book.bestBid - resting.tick <= 2) pullAt = Math.min(pullAt, t);
        if (spoof && t + stepMs > pullAt) {
          const id = spoof;
          spoof = undefined;
          const at = Math.max(t, pullAt);
          world.at(book, at, () => void book.cancel(at, id));
        }
      },
    };
  },
};
