import { z } from 'zod';
import { EpochMs, NonEmpty, SchemaVersion } from './common.ts';

/** What a key identifies; a key's string form is `kind:part[:part]` (see pipelines/keyOf.ts). */
export const KeyKind = z.enum(['venue-symbol', 'symbol', 'address', 'asset-pair', 'asset', 'chain']);
export type KeyKind = z.infer<typeof KeyKind>;

/** One venue-symbol of an asset pair: what a command driven by the pair restricts (docs/policy.md). */
export const PairLeg = z.object({ venue: NonEmpty, symbol: NonEmpty });
export type PairLeg = z.infer<typeof PairLeg>;

/** The scope fields an alert or command names, derived from the key. */
export const Subject = z.object({
  key: NonEmpty,
  keyKind: KeyKind,
  venue: NonEmpty.optional(),
  symbol: NonEmpty.optional(),
  address: NonEmpty.optional(),
  asset: NonEmpty.optional(),
  /**
   * An `asset-pair` key's two legs, leg A first (the key's order). Optional: pair records written
   * before legs were carried have none, and a pair without legs restricts nothing.
   */
  legs: z.tuple([PairLeg, PairLeg]).optional(),
});
export type Subject = z.infer<typeof Subject>;

/** All feature values of one key after one event; null while a feature warms up. */
export const FeatureVector = z.object({
  schemaVersion: SchemaVersion,
  ...Subject.shape,
  eventTime: EpochMs,
  /** The event that produced this vector. */
  eventId: NonEmpty,
  values: z.record(z.string(), z.number().finite().nullable()),
});
export type FeatureVector = z.infer<typeof FeatureVector>;
