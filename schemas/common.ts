import { z } from 'zod';

/**
 * Version of every message family. A change that only adds optional fields keeps the number;
 * anything else (removing, renaming, tightening a field) bumps it, and consumers accept the
 * previous version for one release (see docs/schemas.md).
 */
export const SCHEMA_VERSION = 1 as const;
export const SchemaVersion = z.literal(SCHEMA_VERSION).default(SCHEMA_VERSION);

/** Milliseconds since the Unix epoch (UTC). */
export const EpochMs = z.number().int().nonnegative().max(8.64e15);
export const NonEmpty = z.string().min(1).max(256);
export const Price = z.number().finite().positive();
export const Quantity = z.number().finite().nonnegative();
export const Side = z.enum(['buy', 'sell']);
export type Side = z.infer<typeof Side>;

/** A price level of an order book: [price, quantity]; quantity 0 removes the level. */
export const Level = z.tuple([Price, Quantity]);
export type Level = z.infer<typeof Level>;
