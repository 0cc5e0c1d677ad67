import { DataError } from '../../core/errors.ts';
import { hex } from '../sampling.ts';
import type { Scenario } from '../scenario.ts';
import { keys } from '../scenario.ts';

const DURATION = 150_000;
const PIECES = 180;

/**
 * Whale split accumulation: a fresh address gathers a whale-sized position (about $1.5 M of ETH)
 * in 180 pieces just under $10,000 each, withdrawn from several exchange wallets and relayed
 * through retail-looking addresses, over about 12 blocks: no single transfer looks large.
 */
export const whaleSplitAccumulation: Scenario = {
  name: 'whale-split-accumulation',
  description: `a fresh address receives ${PIECES} transfers just under $10k (about $1.5 M) within ${DURATION / 1000} s`,
  durationMs: DURATION,
  create(world, start, rng) {
    const chain = world.chain;
    const book = world.addresses;
    if (!chain || !book) throw new DataError('whale-split-accumulation needs the chain (AML lists)');
    const whale = `0x${hex(rng, 40)}`;
    const first = chain.nextBlockTime;
    const eth = () => Math.exp(world.factor.fair('ETHUSDT'));
    let sent = 0;
    return {
      truth: {
        scenario: this.name,
        keys: [keys.address(whale)],
        start: first,
        end: first + DURATION + 30_000,
        description: this.description,
      },
      step({ elapsed, stepMs }) {
        const due = Math.min(PIECES, Math.floor((PIECES * (elapsed + stepMs)) / DURATION));
        for (; sent < due; sent++) {
          const from =
            rng.next() < 0.6
              ? book.exchanges[rng.int(book.exchanges.length)]!.address
              : book.retail[rng.int(book.retail.length)]!;
          const usd = 8_200 + rng.next() * 1_700;
          chain.transfer(from, whale, 'ETH', usd / eth());
        }
      },
    };
  },
};
