import { asyncScheduler, defer, map, timer, type Observable, type SchedulerLike } from 'rxjs';
import { stableId } from '../core/stableId.ts';
import { REASON_CODES, type Command, type Scope } from '../schemas/command.ts';
import { SCHEMA_VERSION } from '../schemas/common.ts';

export interface HeartbeatOptions {
  /** Names the sender: the heartbeat scope is `heartbeat:<pipelineId>`. */
  readonly pipelineId: string;
  readonly intervalMs: number;
  /** A heartbeat older than this proves nothing; the engine drops it (the dead-man timeout fits). */
  readonly ttlMs: number;
  /** The clock and timer: asyncScheduler live, a TestScheduler in virtual time. */
  readonly scheduler?: SchedulerLike;
}

/** The scope heartbeats of one pipeline travel on (its own key, so they never race policy sequences). */
export const heartbeatScope = (pipelineId: string): Scope => ({
  level: 'global',
  key: `heartbeat:${pipelineId}`,
});

/**
 * HEARTBEAT commands on the command channel, one at once and then every `intervalMs` of the
 * scheduler's clock, for the engine's dead-man switch. The sequence is the number of intervals since
 * the epoch (and at least one more than the previous), so a restarted pipeline continues above
 * where it stopped and the engine never takes its heartbeats for stale; the id hashes pipeline and
 * sequence, so a retried heartbeat is applied once.
 */
export function heartbeats(o: HeartbeatOptions): Observable<Command> {
  const scheduler = o.scheduler ?? asyncScheduler;
  const scope = heartbeatScope(o.pipelineId);
  if (!(o.intervalMs > 0)) throw new RangeError(`intervalMs must be positive, got ${o.intervalMs}`);
  // Per subscription: each subscriber counts its own sequence.
  return defer(() => {
    let last = -1;
    return timer(0, o.intervalMs, scheduler).pipe(
      map((): Command => {
        const now = scheduler.now();
        const sequence = Math.max(last + 1, Math.floor(now / o.intervalMs));
        last = sequence;
        return {
          schemaVersion: SCHEMA_VERSION,
          commandId: stableId('hb', o.pipelineId, sequence),
          sequence,
          action: 'HEARTBEAT',
          scope,
          eventTime: now,
          issuedAt: now,
          expiresAt: now + o.ttlMs,
          reason: { code: REASON_CODES.HEARTBEAT, text: `${o.pipelineId} alive` },
        };
      }),
    );
  });
}
