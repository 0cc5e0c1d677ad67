import { ReferenceEngine, type Restriction } from '../engine/referenceEngine.ts';
import type { Command } from '../schemas/command.ts';
import type { HaltsView } from './haltsView.ts';

/** The desk's halts view, fed with every command read from the commands topic. */
export interface CommandHalts extends HaltsView {
  apply(c: Command): void;
  active(): readonly Restriction[];
}

/**
 * The restrictions the commands topic puts in force, for a desk that has no engine in process:
 * every command (in the order of its partition, which is per scope) goes through a shadow of the
 * reference engine whose clock is the command's own `issuedAt`, so sequences, RESUME of one key and
 * the strictest restriction work as at the engine, and a backlog read at start is not refused as
 * expired. It shows what flowguard and the desk asked for, not the engine's own state: a command
 * the engine refused, and the engine's safe mode, are not in it.
 */
export function commandHalts(): CommandHalts {
  let now = 0;
  const shadow = new ReferenceEngine('desk-view', () => now);
  const lastSequence = new Map<string, number>();
  return {
    apply(c) {
      if (c.action === 'HEARTBEAT') return;
      now = c.issuedAt;
      shadow.apply(c);
      if (!c.issuedBy)
        lastSequence.set(c.scope.key, Math.max(lastSequence.get(c.scope.key) ?? 0, c.sequence));
    },
    active: () => shadow.activeRestrictions(),
    sequenceOf: (key) => lastSequence.get(key),
  };
}
