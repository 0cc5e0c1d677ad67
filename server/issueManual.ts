import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Scope } from '../schemas/command.ts';
import { HttpError } from './httpError.ts';
import { manualCommand, type ManualRequest } from './manualCommand.ts';
import type { RequestContext } from './route.ts';

/** The reason a person gives: required, so the audit trail always says why. */
export const Why = z
  .string()
  .trim()
  .min(3, 'say why (at least 3 characters): it goes to the audit trail and the engine')
  .max(500);

/** A client-chosen idempotency key: resending a request with the same key applies it once. */
export const RequestId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{8,128}$/, '8 to 128 letters, digits, - or _ (a UUID will do)');

/** Scopes wider than one symbol stop a whole venue or everything: admins only. */
export function requireRoleForScope(ctx: RequestContext, scope: Scope): void {
  if ((scope.level === 'global' || scope.level === 'venue') && ctx.principal.role !== 'admin')
    throw new HttpError(403, 'forbidden', `acting on a ${scope.level} scope needs the admin role`);
}

/**
 * Builds the manual command, writes the audit entry, then delivers it: nothing reaches the engine
 * unless the audit trail took the entry first. Answers 200 with the engine's ack when the engine is
 * in process, 202 when the ack will come later on the acks stream.
 */
export async function issueManual(
  ctx: RequestContext,
  r: Omit<ManualRequest, 'user' | 'requestId'> & { requestId?: string | undefined },
): Promise<void> {
  const { deps } = ctx;
  const command = manualCommand(
    { ...r, user: ctx.principal.user, requestId: r.requestId ?? randomUUID() },
    {
      now: (deps.now ?? Date.now)(),
      ttlMs: deps.policy.commandTtlMs,
      ...(deps.halts.sequenceOf?.(r.scope.key) !== undefined
        ? { sequence: deps.halts.sequenceOf(r.scope.key) }
        : {}),
    },
  );
  ctx.note.commandId = command.commandId;
  try {
    await ctx.audit('accepted', 202);
  } catch (err) {
    deps.log?.(`risk desk: audit trail unavailable: ${String(err)}`);
    throw new HttpError(
      503,
      'audit_unavailable',
      'the audit trail cannot record this change now, so it was not made: try again shortly',
    );
  }
  let ack;
  try {
    ack = await deps.gateway.deliver(command);
  } catch (err) {
    deps.log?.(`risk desk: delivering ${command.commandId} failed: ${(err as Error)?.stack ?? String(err)}`);
    throw new HttpError(
      503,
      'engine_unreachable',
      `the command ${command.commandId} could not be delivered to the engine: try again (same requestId)`,
    );
  }
  ctx.json(ack ? 200 : 202, { command, ack: ack ?? null });
}
