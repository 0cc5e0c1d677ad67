import type { Scenario } from '../scenario.ts';
import { keys } from '../scenario.ts';
import { pairKeys } from './correlationBreak.ts';
import { ramp } from './shape.ts';

const VENUE = 'venue-c';
const SYMBOL = 'SOLUSDT';
const DURATION = 60_000;
const GAP = 0.015;

/**
 * Cross-venue price dislocation: one venue's price for SOLUSDT drifts 1.5 % above the others
 * within 5 s and stays there for a minute (a broken reference feed in its market makers, or a
 * squeeze local to the venue), then snaps back.
 */
export const crossVenueDislocation: Scenario = {
  name: 'cross-venue-dislocation',
  description: `${SYMBOL} on ${VENUE} trades ${GAP * 100} % above the other venues for ${DURATION / 1000} s`,
  durationMs: DURATION,
  create(world, start) {
    const book = world.book(VENUE, SYMBOL);
    const others = world.venues.filter((v) => v !== VENUE);
    return {
      truth: {
        scenario: this.name,
        keys: [
          keys.venueSymbol(VENUE, SYMBOL),
          ...others.flatMap((v) => pairKeys(`${VENUE}:${SYMBOL}`, `${v}:${SYMBOL}`)),
        ],
        start,
        end: start + DURATION + 10_000,
        description: this.description,
      },
      step({ elapsed }) {
        if (elapsed < DURATION) book.overrides.fairOffset = ramp(elapsed, 5_000, 0, GAP);
      },
    };
  },
};
