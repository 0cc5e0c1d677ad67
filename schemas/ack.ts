import { z } from 'zod';
import { EpochMs, NonEmpty, SchemaVersion } from './common.ts';

/** Machine-readable causes of a REJECTED acknowledgement (docs/engine-protocol.md). */
export const RejectCode = z.enum(['INVALID', 'EXPIRED', 'STALE_SEQUENCE', 'UNSUPPORTED']);
export type RejectCode = z.infer<typeof RejectCode>;

/** The engine's answer to a command. */
export const Ack = z.object({
  schemaVersion: SchemaVersion,
  commandId: NonEmpty,
  status: z.enum(['APPLIED', 'REJECTED', 'DUPLICATE']),
  reason: z.string().max(2000).optional(),
  /** Set with REJECTED: why, for machines; `reason` says it for people. */
  rejectCode: RejectCode.optional(),
  engineId: NonEmpty,
  /** Wall-clock time the engine applied (or refused) the command. */
  ackedAt: EpochMs,
  /** The command's scope key and sequence, echoed so that acks can be matched without the command. */
  scopeKey: NonEmpty.optional(),
  sequence: z.number().int().nonnegative().optional(),
  /** Time the engine spent applying the command, ms (the "engine apply" stage of the latency budget). */
  applyMs: z.number().nonnegative().optional(),
});
export type Ack = z.infer<typeof Ack>;
