import { DataError } from '../../core/errors.ts';
import type { Scenario } from '../scenario.ts';
import { keys } from '../scenario.ts';

/**
 * Tainted funds: an address on a risk list (OFAC's sanctioned ETH addresses, or a Forta phishing
 * address) sends ETH to an ordinary user, who forwards most of it to an exchange wallet two blocks
 * later. Both the listed sender and the receiving user are the right keys.
 */
export function flaggedTransfer(kind: 'sanctioned' | 'phishing'): Scenario {
  return {
    name: `${kind}-transfer`,
    description: `a ${kind} address sends 40 ETH to a user, who forwards it to an exchange`,
    durationMs: 40_000,
    create(world, _start, rng) {
      const chain = world.chain;
      const book = world.addresses;
      if (!chain || !book) throw new DataError(`${kind}-transfer needs the chain (AML lists)`);
      const list = kind === 'sanctioned' ? book.sanctioned : book.phishing;
      const source = list[rng.int(list.length)]!.address;
      const user = book.retail[rng.int(book.retail.length)]!;
      const exchange = book.exchanges[rng.int(book.exchanges.length)]!.address;
      const first = chain.nextBlockTime;
      let stage = 0;
      return {
        truth: {
          scenario: this.name,
          keys: [keys.address(user), keys.address(source)],
          start: first,
          end: first + 40_000,
          description: this.description,
        },
        step({ t }) {
          if (stage === 0) {
            chain.transfer(source, user, 'ETH', 40);
            stage = 1;
          } else if (stage === 1 && t >= first + 2 * chain.params.blockMs) {
            chain.transfer(user, exchange, 'ETH', 39.5);
            stage = 2;
          }
        },
      };
    },
  };
}

export const sanctionedTransfer = flaggedTransfer('sanctioned');
export const phishingTransfer = flaggedTransfer('phishing');
