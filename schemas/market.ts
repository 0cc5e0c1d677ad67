import { z } from 'zod';
import { EpochMs, Level, NonEmpty, Price, Quantity, SchemaVersion, Side } from './common.ts';

const marketBase = {
  schemaVersion: SchemaVersion,
  /** Unique per source; used as evidence in commands and for de-duplication. */
  eventId: NonEmpty,
  venue: NonEmpty,
  symbol: NonEmpty,
  /** Exchange time of the event, epoch ms: the only clock features and windows use. */
  eventTime: EpochMs,
};

/** An order's life-cycle event on a venue: new, modify, cancel or fill. */
export const OrderEvent = z.object({
  ...marketBase,
  type: z.literal('order'),
  action: z.enum(['new', 'modify', 'cancel', 'fill']),
  orderId: NonEmpty,
  account: NonEmpty,
  side: Side,
  price: Price,
  /** Quantity of this event: order size for new/modify, remaining for cancel, filled for fill. */
  quantity: Quantity,
});
export type OrderEvent = z.infer<typeof OrderEvent>;

/** A public trade. `takerSide` is the aggressor: 'sell' means the buyer was the maker. */
export const Trade = z.object({
  ...marketBase,
  type: z.literal('trade'),
  tradeId: NonEmpty,
  price: Price,
  quantity: Quantity.refine((q) => q > 0, 'trade quantity must be positive'),
  takerSide: Side,
  /** Known only for the venue's own flow (simulator, internal matching); enables wash-trade checks. */
  buyAccount: NonEmpty.optional(),
  sellAccount: NonEmpty.optional(),
});
export type Trade = z.infer<typeof Trade>;

/** L2 order book: a full snapshot, or a diff of changed levels (quantity 0 removes a level). */
export const BookUpdate = z.object({
  ...marketBase,
  type: z.literal('book'),
  kind: z.enum(['snapshot', 'update']),
  bids: z.array(Level).max(10_000),
  asks: z.array(Level).max(10_000),
  /** Venue sequence numbers, when the venue has them (Binance U/u, lastUpdateId). */
  firstUpdateId: z.number().int().nonnegative().optional(),
  lastUpdateId: z.number().int().nonnegative().optional(),
});
export type BookUpdate = z.infer<typeof BookUpdate>;

/** Best bid and ask with their sizes. */
export const Ticker = z
  .object({
    ...marketBase,
    type: z.literal('ticker'),
    bidPrice: Price,
    bidQty: Quantity,
    askPrice: Price,
    askQty: Quantity,
  })
  .refine((t) => t.askPrice >= t.bidPrice, { message: 'ask below bid (crossed ticker)', path: ['askPrice'] });
export type Ticker = z.infer<typeof Ticker>;

/** A reference price from outside the order book: a token index, an NFT collection floor, a pool price. */
export const ReferencePrice = z.object({
  schemaVersion: SchemaVersion,
  eventId: NonEmpty,
  type: z.literal('price'),
  kind: z.enum(['token', 'nft_floor', 'pool']),
  /** What is priced: a token symbol, an NFT collection, a pool id. */
  asset: NonEmpty,
  /** Who published it: an oracle, a marketplace, a DEX. */
  source: NonEmpty,
  chain: NonEmpty.optional(),
  price: Price,
  currency: NonEmpty.default('USD'),
  eventTime: EpochMs,
});
export type ReferencePrice = z.infer<typeof ReferencePrice>;
