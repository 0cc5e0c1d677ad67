import type { Scenario } from '../scenario.ts';
import { keys } from '../scenario.ts';
import { actor } from './shape.ts';

const VENUE = 'venue-b';
const SYMBOL = 'BTCUSDT';
const ROUNDS = 6;
const ROUND_MS = 10_000;
const LAYERS = 6;

/**
 * Layering: one account stacks six sell orders on consecutive levels from two ticks above the ask,
 * within 100 ms (a wall that suggests selling pressure), buys below the wall while it stands
 * (never into its own layers), then pulls every layer at once after 3-5 s, or as soon as the ask
 * comes within a tick of the wall: the layers are there to be seen, not to trade. Six rounds.
 */
export const layering: Scenario = {
  name: 'layering',
  description: `${LAYERS} stacked sell orders on ${SYMBOL} at ${VENUE}, pulled together after seconds, ${ROUNDS} rounds`,
  durationMs: ROUNDS * ROUND_MS,
  create(world, start, rng) {
    const book = world.book(VENUE, SYMBOL);
    const who = actor(rng.next());
    const lot = book.spec.lotSize;
    let layers: string[] = [];
    let pullAt = 0;
    let round = -1;
    /** Lowest tick of the current wall. */
    let wallFrom = Number.POSITIVE_INFINITY;
    return {
      truth: {
        scenario: this.name,
        keys: [keys.venueSymbol(VENUE, SYMBOL)],
        start,
        end: start + ROUNDS * ROUND_MS + 5_000,
        description: this.description,
      },
      step({ t, elapsed, stepMs }) {
        const r = Math.floor(elapsed / ROUND_MS);
        if (r !== round && r < ROUNDS) {
          round = r;
          pullAt = t + 3_000 + rng.int(2_000);
          wallFrom = Number.POSITIVE_INFINITY;
          // Within this step (the simulator runs a step's actions before the next step's).
          for (let i = 0; i < LAYERS; i++) {
            const at = t + Math.floor((i * (stepMs - 10)) / LAYERS) + rng.int(10);
            world.at(book, at, () => {
              const tick = book.bestAsk + 2 + i;
              wallFrom = Math.min(wallFrom, tick);
              const id = book.place(at, who, 'sell', tick, lot * (8 + rng.next() * 6));
              if (id) layers.push(id);
            });
          }
        }
        if (layers.length && rng.next() < 0.25) {
          // Buys under its own wall (limit two ticks below the lowest layer): a layerer does not
          // trade into its own orders, which self-trade prevention would cancel one by one.
          const at = t + rng.int(stepMs);
          world.at(book, at, () => void book.market(at, who, 'buy', lot * (0.3 + rng.next()), wallFrom - 2));
        }
        // Pulled on schedule, or at once when the ask comes within a tick of the wall.
        if (layers.length && book.bestAsk >= wallFrom - 1) pullAt = Math.min(pullAt, t);
        if (layers.length && t + stepMs > pullAt) {
          const ids = layers;
          layers = [];
          const at = Math.max(t, pullAt);
          world.at(book, at, () => ids.forEach((id, i) => void book.cancel(at + (i > 2 ? 1 : 0), id)));
        }
      },
    };
  },
};
