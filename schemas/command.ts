import { z } from 'zod';
import { EpochMs, NonEmpty, SchemaVersion } from './common.ts';
import { PairLeg } from './feature.ts';
import { Contribution, SupportBreak } from './score.ts';

/** Graded circuit-breaker actions, mildest first; HEARTBEAT keeps the engine's dead-man switch quiet. */
export const Action = z.enum(['ALERT', 'THROTTLE', 'REDUCE_ONLY', 'HALT', 'RESUME', 'HEARTBEAT']);
export type Action = z.infer<typeof Action>;

/** The actions that leave a restriction in force on the engine, mildest first. */
export const RestrictiveAction = z.enum(['THROTTLE', 'REDUCE_ONLY', 'HALT']);
export type RestrictiveAction = z.infer<typeof RestrictiveAction>;

export const ScopeLevel = z.enum(['global', 'venue', 'venue-symbol', 'symbol', 'account', 'address']);
export type ScopeLevel = z.infer<typeof ScopeLevel>;

/**
 * Reason codes flowguard issues today (docs/engine-protocol.md). `reason.code` stays a free string
 * in the schema so that a new code never makes an older engine reject a command.
 */
export const REASON_CODES = {
  /** A calibrated score crossed the action's enter threshold. */
  SCORE_THRESHOLD: 'SCORE_THRESHOLD',
  /** Scores stayed below the exit threshold for the cooldown (and the minimum halt time). */
  CALM: 'CALM',
  /** Enough child scopes are restricted that the parent scope is restricted too. */
  ESCALATION: 'ESCALATION',
  /** The children that caused an escalation are no longer restricted. */
  ESCALATION_RELEASED: 'ESCALATION_RELEASED',
  /** A person halted, throttled or set reduce-only by hand (`issuedBy` says who and why). */
  MANUAL_HALT: 'MANUAL_HALT',
  /** A person resumed the scope by hand (`issuedBy` says who and why). */
  MANUAL_RESUME: 'MANUAL_RESUME',
  /** The probability that the price breaks its support level within the horizon reached the threshold: REDUCE_ONLY, first cut. */
  SUPPORT_AT_RISK: 'SUPPORT_AT_RISK',
  /** The price broke its support level: REDUCE_ONLY with a deeper cut (magnitude is the total). */
  SUPPORT_BROKEN: 'SUPPORT_BROKEN',
  /** An address was labelled by a list the policy freezes on (sanctions, exploit, phishing). */
  ADDRESS_FLAGGED: 'ADDRESS_FLAGGED',
  /** The pipeline is alive; the engine's dead-man switch resets its timer. */
  HEARTBEAT: 'HEARTBEAT',
} as const;
export type ReasonCode = keyof typeof REASON_CODES;

/** What a command applies to. `key` is its canonical string, the Kafka message key of the command. */
export const Scope = z.object({
  level: ScopeLevel,
  key: NonEmpty,
  venue: NonEmpty.optional(),
  symbol: NonEmpty.optional(),
  account: NonEmpty.optional(),
  address: NonEmpty.optional(),
});
export type Scope = z.infer<typeof Scope>;

/** Why a command was issued, in numbers the engine team and the auditors can check. */
export const Evidence = z.object({
  /** The detector whose score drove the decision. */
  detector: NonEmpty,
  score: z.number().min(0).max(1),
  /** The threshold the score crossed (the enter threshold, or the exit threshold for RESUME). */
  threshold: z.number().min(0).max(1),
  /** Largest contribution first; `percentile` places each value in the key's own history. */
  topFeatures: z.array(Contribution).max(20),
  triggeringEvents: z.array(z.object({ eventId: NonEmpty, eventTime: EpochMs })).max(100),
  /** Every detector's calibrated score on the triggering event. */
  scores: z
    .array(z.object({ detector: NonEmpty, score: z.number().min(0).max(1) }))
    .max(50)
    .optional(),
  /** How long the score had stayed at or above the threshold when the command was issued, ms. */
  aboveForMs: z.number().int().nonnegative().optional(),
  /**
   * The support-break estimate of the triggering frame, when a detector makes one (the LSTM): the
   * support level, the price, the probability of a break within the horizon, and whether it broke.
   * For SUPPORT_AT_RISK and SUPPORT_BROKEN, `score` is that probability and `threshold` its threshold.
   */
  supportBreak: SupportBreak.optional(),
  /**
   * When an asset pair's frame drove the command (a cross-venue dislocation, a correlation break):
   * the pair's key and its two legs; the command's scope is one of the legs.
   */
  pair: z.object({ key: NonEmpty, legs: z.tuple([PairLeg, PairLeg]) }).optional(),
  /** For an escalation: the restricted child scopes that caused it. */
  children: z
    .array(z.object({ scopeKey: NonEmpty, action: RestrictiveAction }))
    .max(1000)
    .optional(),
});
export type Evidence = z.infer<typeof Evidence>;

/** A command to the trading engine. Applied at most once per `commandId`. */
export const Command = z.object({
  schemaVersion: SchemaVersion,
  /** Deterministic hash of scope, action, sequence and trigger: a retry or a replay yields the same id. */
  commandId: NonEmpty,
  /** Increases by one per command on a scope (`scope.key`). */
  sequence: z.number().int().nonnegative(),
  action: Action,
  scope: Scope,
  /** Time of the triggering event, epoch ms. */
  eventTime: EpochMs,
  /** When flowguard issued it (event time in replay, wall clock live). */
  issuedAt: EpochMs,
  /** After this the engine may drop the command unapplied; undefined means no expiry. */
  expiresAt: EpochMs.optional(),
  /**
   * THROTTLE: the share of the normal order rate still allowed. REDUCE_ONLY: the share of the
   * scope's open exposure to have cut **in all** since the scope entered REDUCE_ONLY (cumulative:
   * 0.5, then 0.8 once a support level breaks, not 0.3).
   */
  magnitude: z.number().min(0).max(1).optional(),
  /** `code` is one of REASON_CODES (or a newer one); `text` is the rationale in words and numbers. */
  reason: z.object({ code: NonEmpty, text: z.string().max(2000) }),
  evidence: Evidence.optional(),
  /** A person who issued it by hand, with why. */
  issuedBy: z.object({ user: NonEmpty, why: z.string().min(1).max(2000) }).optional(),
});
export type Command = z.infer<typeof Command>;
