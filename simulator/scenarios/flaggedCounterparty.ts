import { DataError } from '../../core/errors.ts';
import { hex } from '../sampling.ts';
import type { Scenario } from '../scenario.ts';
import { keys } from '../scenario.ts';

/**
 * A counterparty touching three flagged addresses: a fresh address receives from a phishing
 * address, then from a sanctioned one, then sends to a mixer, one block apart; its counterparty
 * risk builds up with each touch.
 */
export const flaggedCounterparty: Scenario = {
  name: 'flagged-counterparty',
  description:
    'a fresh address receives from a phishing and a sanctioned address and pays a mixer, in three blocks',
  durationMs: 36_000,
  create(world, _start, rng) {
    const chain = world.chain;
    const book = world.addresses;
    if (!chain || !book || book.mixers.length === 0)
      throw new DataError('flagged-counterparty needs the chain with mixers (AML lists)');
    const me = `0x${hex(rng, 40)}`;
    const touches: [string, string, number][] = [
      [book.phishing[rng.int(book.phishing.length)]!.address, me, 3.2],
      [book.sanctioned[rng.int(book.sanctioned.length)]!.address, me, 7.5],
      [me, book.mixers[rng.int(book.mixers.length)]!.address, 10],
    ];
    const first = chain.nextBlockTime;
    let sent = 0;
    return {
      truth: {
        scenario: this.name,
        keys: [keys.address(me)],
        start: first,
        end: first + 3 * chain.params.blockMs + 30_000,
        description: this.description,
      },
      step({ t }) {
        // One touch per block: the next is requested only after the previous one's block time (a
        // request at a block's own time would still go into that block).
        if (sent < touches.length && (sent === 0 || t > first + (sent - 1) * chain.params.blockMs)) {
          const [from, to, amount] = touches[sent++]!;
          chain.transfer(from, to, 'ETH', amount);
        }
      },
    };
  },
};
