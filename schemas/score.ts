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

/**
 * A detector's estimate that the key's price breaks its support level within a horizon (the LSTM's,
 * detectors/lstm/lstmDetector.ts), for graded de-risking: the policy cuts exposure once the
 * probability reaches its threshold, and further once the level breaks. The level breaks when the
 * price reaches `breakLevel` (a margin below the support; the support itself when absent): `broken`
 * is exactly `price <= breakLevel`, and a broken level has probability 1.
 */
export const SupportBreak = z
  .object({
    /** The detector that made the estimate (inside an ensemble: the member, e.g. `lstm`). */
    detector: NonEmpty,
    /** P(the price reaches the break level within `horizonMs`), 0..1. */
    probability: z.number().min(0).max(1),
    /** The support level: the lowest price of a window that ended a while ago (a level the market has tested). */
    support: z.number().finite().positive(),
    /** The price at or below which the level counts as broken: the support less a margin (a touch only tests it). */
    breakLevel: z.number().finite().positive().optional(),
    /** The key's last price (the frame's mid). */
    price: z.number().finite().positive(),
    horizonMs: z.number().int().positive(),
    broken: z.boolean(),
    /** Drift of the log price per second and its volatility per √s, the estimate's inputs. */
    drift: z.number().finite(),
    volatility: z.number().finite().nonnegative(),
  })
  .refine((b) => b.breakLevel === undefined || b.breakLevel <= b.support, {
    message: 'breakLevel must be at or below the support',
    path: ['breakLevel'],
  })
  .refine((b) => b.broken === b.price <= (b.breakLevel ?? b.support), {
    message: 'broken must be true exactly when price <= breakLevel (the support when absent)',
    path: ['broken'],
  })
  .refine((b) => !b.broken || b.probability === 1, {
    message: 'a broken level has probability 1',
    path: ['probability'],
  });
export type SupportBreak = z.infer<typeof SupportBreak>;

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
  /** The detector's support-break estimate for the key, when it makes one (the LSTM, once warm). */
  supportBreak: SupportBreak.optional(),
});
export type Score = z.infer<typeof Score>;
