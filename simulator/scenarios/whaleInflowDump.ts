import { DataError } from '../../core/errors.ts';
import type { Scenario } from '../scenario.ts';
import { keys } from '../scenario.ts';
import { ramp } from './shape.ts';

const VENUE = 'venue-a';
const SYMBOL = 'ETHUSDT';
const AMOUNT = 9_000;
const DUMP_AFTER = 30_000;
const DUMP_MS = 40_000;

/**
 * Whale inflow before a dump: a watched whale moves 9,000 ETH (about $23 M, some twenty times its
 * usual transfer) to an exchange wallet; two or three blocks later heavy selling hits ETHUSDT on
 * that venue and the price drops 2.5 % over 40 s.
 */
export const whaleInflowDump: Scenario = {
  name: 'whale-inflow-dump',
  description: `a whale deposits ${AMOUNT} ETH to an exchange, then ${SYMBOL} on ${VENUE} is sold down 2.5 %`,
  durationMs: DUMP_AFTER + DUMP_MS,
  create(world, start, rng) {
    const chain = world.chain;
    const addresses = world.addresses;
    if (!chain || !addresses) throw new DataError('whale-inflow-dump needs the chain (AML lists)');
    const whale = addresses.whales[rng.int(addresses.whales.length)]!.address;
    const exchange = addresses.exchanges[rng.int(addresses.exchanges.length)]!.address;
    const block = chain.nextBlockTime;
    const book = world.book(VENUE, SYMBOL);
    let sent = false;
    return {
      truth: {
        scenario: this.name,
        keys: [keys.address(whale), keys.venueSymbol(VENUE, SYMBOL)],
        start: block,
        end: start + DUMP_AFTER + DUMP_MS + 10_000,
        description: this.description,
      },
      step({ elapsed }) {
        if (!sent) {
          sent = true;
          chain.transfer(whale, exchange, 'ETH', AMOUNT);
        }
        if (elapsed >= DUMP_AFTER && elapsed < DUMP_AFTER + DUMP_MS) {
          const o = book.overrides;
          o.fairOffset = ramp(elapsed - DUMP_AFTER, DUMP_MS, 0, -0.025);
          o.takerRate = 6;
          o.takerSize = 3;
          o.buyShare = 0.1;
        } else if (elapsed >= DUMP_AFTER + DUMP_MS) book.overrides.fairOffset = -0.025;
      },
    };
  },
};
