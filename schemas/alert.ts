import { z } from 'zod';
import { EpochMs, NonEmpty, SchemaVersion } from './common.ts';
import { Subject } from './feature.ts';
import { Contribution, SupportBreak } from './score.ts';

export const Severity = z.enum(['info', 'warning', 'critical']);
export type Severity = z.infer<typeof Severity>;

/** An anomaly worth a person's attention, with the features that made it anomalous. */
export const Alert = z.object({
  schemaVersion: SchemaVersion,
  /** Deterministic: the same input replayed gives the same id. */
  alertId: NonEmpty,
  ...Subject.shape,
  /** Time of the triggering event, epoch ms. */
  eventTime: EpochMs,
  detector: NonEmpty,
  score: z.number().min(0).max(1),
  severity: Severity,
  message: z.string().max(2000),
  topFeatures: z.array(Contribution).max(20),
  triggeringEventIds: z.array(NonEmpty).max(100),
  /** A support-break alert's evidence: the estimate (support, break level, price, probability, horizon). */
  supportBreak: SupportBreak.optional(),
});
export type Alert = z.infer<typeof Alert>;
