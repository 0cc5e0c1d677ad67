import type { Rng } from '../core/rng.ts';
import { SCHEMA_VERSION } from '../schemas/common.ts';
import type { ReferencePrice } from '../schemas/market.ts';
import { round8 } from './sampling.ts';

/** An asset priced outside the order books: a token on an oracle, an NFT collection's floor. */
export interface PricedAsset {
  readonly asset: string;
  readonly kind: 'token' | 'nft_floor';
  readonly chain: string;
  readonly source: string;
  readonly currency: string;
  readonly price: number;
  /** Loadings on the market factor and on the NFT sentiment factor. */
  readonly betaMarket: number;
  readonly betaNft: number;
  /** Own volatility per sqrt(second). */
  readonly idioVol: number;
  /** Mean seconds between publications. */
  readonly everyS: number;
  /** When set, the asset's price is this market symbol's fair price (an oracle of a traded token). */
  readonly tracks?: string;
}

export const defaultPricedAssets: readonly PricedAsset[] = [
  {
    asset: 'BTC',
    kind: 'token',
    chain: 'ethereum',
    source: 'oracle',
    currency: 'USD',
    price: 0,
    betaMarket: 0,
    betaNft: 0,
    idioVol: 0,
    everyS: 5,
    tracks: 'BTCUSDT',
  },
  {
    asset: 'ETH',
    kind: 'token',
    chain: 'ethereum',
    source: 'oracle',
    currency: 'USD',
    price: 0,
    betaMarket: 0,
    betaNft: 0,
    idioVol: 0,
    everyS: 5,
    tracks: 'ETHUSDT',
  },
  {
    asset: 'SOL',
    kind: 'token',
    chain: 'solana',
    source: 'oracle',
    currency: 'USD',
    price: 0,
    betaMarket: 0,
    betaNft: 0,
    idioVol: 0,
    everyS: 5,
    tracks: 'SOLUSDT',
  },
  {
    asset: 'APE',
    kind: 'token',
    chain: 'ethereum',
    source: 'oracle',
    currency: 'USD',
    price: 1.15,
    betaMarket: 1.3,
    betaNft: 0.8,
    idioVol: 0.0003,
    everyS: 5,
  },
  {
    asset: 'BAYC',
    kind: 'nft_floor',
    chain: 'ethereum',
    source: 'marketplace',
    currency: 'ETH',
    price: 12.5,
    betaMarket: 0.3,
    betaNft: 1,
    idioVol: 0.0002,
    everyS: 20,
  },
  {
    asset: 'MAYC',
    kind: 'nft_floor',
    chain: 'ethereum',
    source: 'marketplace',
    currency: 'ETH',
    price: 2.1,
    betaMarket: 0.3,
    betaNft: 1.2,
    idioVol: 0.0003,
    everyS: 20,
  },
  {
    asset: 'MADLADS',
    kind: 'nft_floor',
    chain: 'solana',
    source: 'marketplace',
    currency: 'SOL',
    price: 95,
    betaMarket: 0.2,
    betaNft: 0.7,
    idioVol: 0.0003,
    everyS: 25,
  },
];

export interface PriceFeedParams {
  /** Volatility of the NFT sentiment factor per sqrt(second). */
  readonly nftVol: number;
}

/**
 * Reference prices: oracle prices of the traded tokens (their fair price), of APE, and NFT floors
 * driven by the market factor plus an NFT sentiment factor, so that blue-chip collections and
 * their tokens move together across chains. Each asset publishes at random intervals; scenarios
 * shift an asset's level (a floor collapse) and may speed up its publications.
 */
export class ReferencePrices {
  private readonly level = new Map<string, number>();
  private readonly next = new Map<string, number>();
  private nftFactor = 0;
  private seq = 0;
  /** Publication rate multipliers set by scenarios (reset each step). */
  readonly faster = new Map<string, number>();

  constructor(
    readonly assets: readonly PricedAsset[],
    readonly params: PriceFeedParams,
    private readonly rng: Rng,
    start: number,
    private readonly fairOf: (symbol: string) => number | undefined,
  ) {
    for (const a of assets) {
      this.level.set(a.asset, Math.log(a.price || 1));
      this.next.set(a.asset, start + Math.floor(rng.next() * a.everyS * 1000));
    }
  }

  /** Shifts an asset's log price for good. */
  shift(asset: string, dLog: number): void {
    this.level.set(asset, (this.level.get(asset) ?? 0) + dLog);
  }

  /** Advances by one step with the market factor's move `dMarket`; returns due publications. */
  advance(t0: number, stepMs: number, dMarket: number): ReferencePrice[] {
    const dt = stepMs / 1000;
    const dNft = this.rng.normal() * this.params.nftVol * Math.sqrt(dt);
    this.nftFactor += dNft;
    const out: ReferencePrice[] = [];
    for (const a of this.assets) {
      if (!a.tracks)
        this.level.set(
          a.asset,
          this.level.get(a.asset)! +
            a.betaMarket * dMarket +
            a.betaNft * dNft +
            this.rng.normal() * a.idioVol * Math.sqrt(dt),
        );
      let due = this.next.get(a.asset)!;
      while (due < t0 + stepMs) {
        const fair = a.tracks ? this.fairOf(a.tracks) : undefined;
        const price = a.tracks
          ? fair !== undefined
            ? Math.exp(fair)
            : undefined
          : Math.exp(this.level.get(a.asset)!);
        if (price !== undefined && price > 0)
          out.push({
            schemaVersion: SCHEMA_VERSION,
            eventId: `price-${a.asset}-${++this.seq}`,
            type: 'price',
            kind: a.kind,
            asset: a.asset,
            source: a.source,
            chain: a.chain,
            price: round8(price),
            currency: a.currency,
            eventTime: Math.max(due, t0),
          });
        const speed = this.faster.get(a.asset) ?? 1;
        due += Math.max(200, Math.floor((-Math.log(1 - this.rng.next()) * a.everyS * 1000) / speed));
      }
      this.next.set(a.asset, due);
    }
    return out;
  }
}
