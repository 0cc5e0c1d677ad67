import { z } from 'zod';
import { EpochMs, NonEmpty, SchemaVersion } from './common.ts';

/** Where an input came from, precise enough to find it again. */
export const Origin = z.object({
  topic: z.string().optional(),
  partition: z.number().int().optional(),
  offset: z.string().optional(),
  file: z.string().optional(),
  line: z.number().int().optional(),
});
export type Origin = z.infer<typeof Origin>;

/** An input that could not be used, kept with the reason and its original bytes (base64). */
export const DeadLetter = z.object({
  schemaVersion: SchemaVersion,
  reason: NonEmpty,
  /** Zod issues or parser messages, as `path: message`. */
  issues: z.array(z.string()).max(50),
  rawBase64: z.string(),
  origin: Origin,
  /** Position of the message in its source, used for ordering and accounting. */
  seq: z.number().int().nonnegative(),
  receivedAt: EpochMs,
});
export type DeadLetter = z.infer<typeof DeadLetter>;
