import { z } from 'zod';
import { EpochMs, NonEmpty, SchemaVersion } from './common.ts';

/** Addresses are compared lower-cased; EVM addresses are 0x + 40 hex digits, other chains free-form. */
export const Address = z
  .string()
  .min(1)
  .max(128)
  .transform((a) => a.toLowerCase());

/** A confirmed on-chain transfer of an asset between two addresses. */
export const Transfer = z.object({
  schemaVersion: SchemaVersion,
  eventId: NonEmpty,
  type: z.literal('transfer'),
  chain: NonEmpty,
  txHash: NonEmpty,
  from: Address,
  to: Address,
  asset: NonEmpty,
  amount: z.number().finite().nonnegative(),
  usdValue: z.number().finite().nonnegative().optional(),
  /** Block time, epoch ms; also the event time. */
  blockTime: EpochMs,
  eventTime: EpochMs,
});
export type Transfer = z.infer<typeof Transfer>;

export const AddressCategory = z.enum([
  'sanctioned',
  'phishing',
  'exploit',
  'mixer',
  'exchange',
  'whale',
  'other',
]);
export type AddressCategory = z.infer<typeof AddressCategory>;

/** A label attached to an address by a list (OFAC, Etherscan, Forta, the desk's own). */
export const AddressLabel = z.object({
  schemaVersion: SchemaVersion,
  eventId: NonEmpty,
  type: z.literal('label'),
  chain: NonEmpty,
  address: Address,
  category: AddressCategory,
  name: z.string().max(256).optional(),
  source: NonEmpty,
  eventTime: EpochMs,
});
export type AddressLabel = z.infer<typeof AddressLabel>;
