import { stableId } from '../core/stableId.ts';
import { SCHEMA_VERSION } from '../schemas/common.ts';
import { Command, type Scope } from '../schemas/command.ts';

/** What a person asks for: an action on a scope, with who and why. */
export interface ManualRequest {
  readonly action: 'HALT' | 'REDUCE_ONLY' | 'THROTTLE' | 'RESUME';
  readonly scope: Scope;
  readonly user: string;
  readonly why: string;
  /** The client's idempotency key: the same request sent twice yields the same commandId. */
  readonly requestId: string;
  /** Throttle factor or reduce-only fraction, for the actions that take one. */
  readonly magnitude?: number;
}

export interface ManualCommandOptions {
  /** Wall-clock now, epoch ms. */
  readonly now: number;
  /** How long the engine may take to apply it before dropping it. */
  readonly ttlMs: number;
  /**
   * The scope's latest policy sequence, when known. A manual command carries it unchanged rather
   * than taking the next number: the engine accepts commands with `issuedBy` whatever their
   * sequence, and the policy's next command (sequence + 1) must not look stale after it.
   */
  readonly sequence?: number;
}

/**
 * A valid circuit-breaker command for a manual halt or resume. The id hashes scope, action, user
 * and the client's request id, so a retried request is applied once; `issuedBy` carries who and why
 * to the engine and the audit trail.
 */
export function manualCommand(r: ManualRequest, o: ManualCommandOptions): Command {
  const verb = r.action === 'RESUME' ? 'resume' : r.action.toLowerCase().replace('_', '-');
  return Command.parse({
    schemaVersion: SCHEMA_VERSION,
    commandId: stableId('manual', r.scope.key, r.action, r.user, r.requestId),
    sequence: o.sequence ?? 0,
    action: r.action,
    scope: r.scope,
    eventTime: o.now,
    issuedAt: o.now,
    expiresAt: o.now + o.ttlMs,
    ...(r.magnitude !== undefined ? { magnitude: r.magnitude } : {}),
    reason: {
      code: r.action === 'RESUME' ? 'MANUAL_RESUME' : 'MANUAL_HALT',
      text: `manual ${verb} of ${r.scope.key} by ${r.user}: ${r.why}`,
    },
    issuedBy: { user: r.user, why: r.why },
  });
}
