import { z } from 'zod';
import { EpochMs, NonEmpty, SchemaVersion } from './common.ts';
import { Subject } from './feature.ts';

/** One feature's part in a score: its value and how much it drove the detector. */
export const Contribution = z.object({
  feature: NonEmpty,
  value: z.number().finite().nullable(),
  contribution: z.number().finite(),
  /** Where the value stands in the key's own recent history, 0..100, when known. */
  percentile: z.number().min(0).max(100).optional(),
});
export type Contribution = z.infer<typeof Contribution>;

/** A detector's verdict on one feature vector. */
export const Score = z.object({
  schemaVersion: SchemaVersion,
  ...Subject.shape,
  eventTime: EpochMs,
  eventId: NonEmpty,
  detector: NonEmpty,
  /** Detector's own scale. */
  raw: z.number().finite(),
  /** 0..1, comparable across detectors and keys: the same threshold means the same thing everywhere. */
  score: z.number().min(0).max(1),
  contributions: z.array(Contribution),
});
export type Score = z.infer<typeof Score>;
