import type { Rng } from '../core/rng.ts';
import { SCHEMA_VERSION } from '../schemas/common.ts';
import type { Transfer } from '../schemas/onchain.ts';
import type { AddressBook } from './addressBook.ts';
import { hex, logNormal, poisson, round8 } from './sampling.ts';

/** Rates (per second) and sizes of the chain's background transfers. */
export interface ChainParams {
  readonly chain: string;
  readonly blockMs: number;
  readonly deposits: number;
  readonly withdrawals: number;
  readonly peer: number;
  readonly exchangeRebalance: number;
  readonly whaleMoves: number;
  /**
   * Users paying into or out of a mixer, per second. Off by default: the pools on the lists are
   * sanctioned, so any touch is an AML event, and the normal flow is meant to hold none.
   */
  readonly mixerUse: number;
  /** Share of retail transfers in USDT rather than ETH. */
  readonly stablecoinShare: number;
}

export const defaultChainParams: ChainParams = {
  chain: 'ethereum',
  blockMs: 12_000,
  deposits: 0.35,
  withdrawals: 0.35,
  peer: 0.12,
  exchangeRebalance: 0.004,
  whaleMoves: 0.004,
  mixerUse: 0,
  stablecoinShare: 0.4,
};

interface Pending {
  from: string;
  to: string;
  asset: string;
  amount: number;
}

const MIXER_DENOMINATIONS = [0.1, 1, 10, 100];

/**
 * A chain in blocks: transfers requested during a block are published together at its block time
 * (12 s on Ethereum), which is also their event time, as a node would report them. Background flow:
 * users deposit to and withdraw from exchange wallets, pay each other, exchanges rebalance hot
 * wallets, whales move size between their wallets and exchanges, and a few users go through a mixer.
 */
export class Chain {
  private pending: Pending[] = [];
  private nextBlock: number;
  private blockNumber = 19_000_000;

  constructor(
    readonly book: AddressBook,
    readonly params: ChainParams,
    private readonly rng: Rng,
    start: number,
    /** USD price of ETH now (the simulated market's fair price). */
    private readonly ethUsd: () => number,
  ) {
    this.nextBlock = Math.ceil(start / params.blockMs) * params.blockMs;
  }

  /** Requests a transfer; it is published in the next block. */
  transfer(from: string, to: string, asset: string, amount: number): void {
    this.pending.push({ from, to, asset, amount: round8(amount) });
  }

  /** Time of the next block (the earliest event time of a transfer requested now). */
  get nextBlockTime(): number {
    return this.nextBlock;
  }

  private retail(): string {
    return this.book.retail[this.rng.int(this.book.retail.length)]!;
  }
  private exchange(): string {
    return this.book.exchanges[this.rng.int(this.book.exchanges.length)]!.address;
  }

  /** Background transfers requested during `dtMs`. */
  private background(dtMs: number): void {
    const p = this.params;
    const dt = dtMs / 1000;
    const rng = this.rng;
    const userAsset = (): [string, number] =>
      rng.next() < p.stablecoinShare
        ? ['USDT', logNormal(rng, 1500, 1.4)]
        : ['ETH', logNormal(rng, 0.6, 1.3)];
    for (let i = poisson(rng, p.deposits * dt); i > 0; i--)
      this.transfer(this.retail(), this.exchange(), ...userAsset());
    for (let i = poisson(rng, p.withdrawals * dt); i > 0; i--)
      this.transfer(this.exchange(), this.retail(), ...userAsset());
    for (let i = poisson(rng, p.peer * dt); i > 0; i--)
      this.transfer(this.retail(), this.retail(), ...userAsset());
    for (let i = poisson(rng, p.exchangeRebalance * dt); i > 0; i--) {
      const a = this.exchange();
      const b = this.exchange();
      if (a !== b) this.transfer(a, b, 'ETH', logNormal(rng, 400, 0.8));
    }
    for (let i = poisson(rng, p.whaleMoves * dt); i > 0; i--) {
      const w = this.book.whales[rng.int(this.book.whales.length)]!.address;
      const amount = logNormal(rng, 150, 0.7);
      if (rng.next() < 0.5) this.transfer(w, this.exchange(), 'ETH', amount);
      else this.transfer(this.exchange(), w, 'ETH', amount);
    }
    if (this.book.mixers.length)
      for (let i = poisson(rng, p.mixerUse * dt); i > 0; i--) {
        const m = this.book.mixers[rng.int(this.book.mixers.length)]!.address;
        const d = MIXER_DENOMINATIONS[rng.int(2)]!;
        if (rng.next() < 0.5) this.transfer(this.retail(), m, 'ETH', d);
        else this.transfer(m, this.retail(), 'ETH', d);
      }
  }

  /** Advances to `t` (exclusive): publishes the blocks that closed, with everything requested before them. */
  advance(t: number, dtMs: number): Transfer[] {
    this.background(dtMs);
    const out: Transfer[] = [];
    while (this.nextBlock < t) {
      const blockTime = this.nextBlock;
      this.blockNumber++;
      const eth = this.ethUsd();
      this.pending.forEach((x, i) => {
        out.push({
          schemaVersion: SCHEMA_VERSION,
          eventId: `${this.params.chain}-${this.blockNumber}-${i}`,
          type: 'transfer',
          chain: this.params.chain,
          txHash: `0x${hex(this.rng, 64)}`,
          from: x.from,
          to: x.to,
          asset: x.asset,
          amount: x.amount,
          usdValue: Math.round((x.asset === 'USDT' ? 1 : eth) * x.amount * 100) / 100,
          blockTime,
          eventTime: blockTime,
        });
      });
      this.pending = [];
      this.nextBlock += this.params.blockMs;
    }
    return out;
  }
}
