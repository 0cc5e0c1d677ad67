import { z } from 'zod';
import { EpochMs, NonEmpty, SchemaVersion } from './common.ts';

/** The engine's answer to a command. */
export const Ack = z.object({
  schemaVersion: SchemaVersion,
  commandId: NonEmpty,
  status: z.enum(['APPLIED', 'REJECTED', 'DUPLICATE']),
  reason: z.string().max(2000).optional(),
  engineId: NonEmpty,
  /** Wall-clock time the engine applied (or refused) the command. */
  ackedAt: EpochMs,
});
export type Ack = z.infer<typeof Ack>;
