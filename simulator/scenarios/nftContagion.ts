import { DataError } from '../../core/errors.ts';
import type { Scenario } from '../scenario.ts';
import { keys } from '../scenario.ts';

/** Collapse of each asset: log move, delay after the start and duration, ms. */
const MOVES: readonly { asset: string; move: number; delay: number; over: number }[] = [
  { asset: 'BAYC', move: Math.log(0.7), delay: 0, over: 90_000 },
  { asset: 'MAYC', move: Math.log(0.65), delay: 30_000, over: 90_000 },
  { asset: 'APE', move: Math.log(0.8), delay: 20_000, over: 60_000 },
  { asset: 'MADLADS', move: Math.log(0.85), delay: 60_000, over: 90_000 },
];
const DURATION = 150_000;

/**
 * Contagion across chains: the floor of a blue-chip NFT collection (BAYC, Ethereum) falls 30 % in
 * a minute and a half as holders dump; its sister collection and its token follow within half a
 * minute, and a blue-chip Solana collection a minute later. Marketplaces publish more often while
 * floors move.
 */
export const nftContagion: Scenario = {
  name: 'nft-contagion',
  description: 'BAYC floor -30 %, then MAYC -35 %, APE -20 % and the Solana MADLADS floor -15 %',
  durationMs: DURATION,
  create(world, start) {
    const prices = world.prices;
    if (!prices) throw new DataError('nft-contagion needs the reference prices');
    const done = new Map<string, number>();
    return {
      truth: {
        scenario: this.name,
        keys: MOVES.map((m) => keys.asset(m.asset)),
        start,
        end: start + DURATION + 30_000,
        description: this.description,
      },
      step({ elapsed, stepMs }) {
        for (const m of MOVES) {
          const u = Math.min(1, Math.max(0, (elapsed + stepMs - m.delay) / m.over));
          const prev = done.get(m.asset) ?? 0;
          if (u > prev) {
            prices.shift(m.asset, m.move * (u - prev));
            done.set(m.asset, u);
          }
          if (u > 0 && u < 1) prices.faster.set(m.asset, 4);
        }
      },
    };
  },
};
