import { z } from 'zod';
import { EpochMs, NonEmpty } from '../schemas/common.ts';
import { Scope } from '../schemas/command.ts';
import { levelOfAction, type Level } from './circuitBreaker.ts';

/**
 * A person's decision on a scope, from the desk page or a tool: halt (or throttle, reduce-only)
 * until told otherwise, or resume now. Carries who and why, which go into the command and the audit
 * trail. `requestId` makes a retried request a no-op.
 */
export const ManualOverride = z.object({
  requestId: NonEmpty,
  scope: Scope,
  action: z.enum(['THROTTLE', 'REDUCE_ONLY', 'HALT', 'RESUME']),
  user: NonEmpty,
  why: z.string().min(1).max(2000),
  /** When the person asked, epoch ms (the policy's clock: event time in replay). */
  time: EpochMs,
});
export type ManualOverride = z.infer<typeof ManualOverride>;

/** A level held on a scope regardless of scores: a person's, or a flagged address's freeze. */
export interface Pin {
  readonly level: Level;
  readonly at: number;
  readonly code: 'MANUAL' | 'ADDRESS_FLAGGED';
  readonly by?: { readonly user: string; readonly why: string };
}

/** The pin a manual override leaves on its scope: none after RESUME. */
export function pinOf(o: ManualOverride): Pin | null {
  if (o.action === 'RESUME') return null;
  return { level: levelOfAction(o.action)!, at: o.time, code: 'MANUAL', by: { user: o.user, why: o.why } };
}
