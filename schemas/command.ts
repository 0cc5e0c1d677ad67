import { z } from 'zod';
import { EpochMs, NonEmpty, SchemaVersion } from './common.ts';
import { Contribution } from './score.ts';

/** Graded circuit-breaker actions, mildest first; HEARTBEAT keeps the engine's dead-man switch quiet. */
export const Action = z.enum(['ALERT', 'THROTTLE', 'REDUCE_ONLY', 'HALT', 'RESUME', 'HEARTBEAT']);
export type Action = z.infer<typeof Action>;

export const ScopeLevel = z.enum(['global', 'venue', 'venue-symbol', 'symbol', 'account', 'address']);
export type ScopeLevel = z.infer<typeof ScopeLevel>;

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
  detector: NonEmpty,
  score: z.number().min(0).max(1),
  threshold: z.number().min(0).max(1),
  topFeatures: z.array(Contribution).max(20),
  triggeringEvents: z.array(z.object({ eventId: NonEmpty, eventTime: EpochMs })).max(100),
});
export type Evidence = z.infer<typeof Evidence>;

/** A command to the trading engine. Applied at most once per `commandId`. */
export const Command = z.object({
  schemaVersion: SchemaVersion,
  /** Deterministic hash of scope, action, sequence and trigger: a retry or a replay yields the same id. */
  commandId: NonEmpty,
  /** Increases by one per command on a scope. */
  sequence: z.number().int().nonnegative(),
  action: Action,
  scope: Scope,
  /** Time of the triggering event, epoch ms. */
  eventTime: EpochMs,
  /** When flowguard issued it (event time in replay, wall clock live). */
  issuedAt: EpochMs,
  /** After this the engine may drop the command unapplied; undefined means no expiry. */
  expiresAt: EpochMs.optional(),
  /** Throttle factor (0..1 of normal order rate) or reduce-only fraction, where the action takes one. */
  magnitude: z.number().min(0).max(1).optional(),
  reason: z.object({ code: NonEmpty, text: z.string().max(2000) }),
  evidence: Evidence.optional(),
  /** A person who issued it by hand, with why. */
  issuedBy: z.object({ user: NonEmpty, why: z.string().min(1).max(2000) }).optional(),
});
export type Command = z.infer<typeof Command>;
