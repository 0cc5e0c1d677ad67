import type { Alert } from '../schemas/alert.ts';
import type { Command } from '../schemas/command.ts';
import type { AckRecord } from '../sinks/engineSink.ts';
import type { SafeMode } from '../engine/deadManSwitch.ts';
import type { AuditEntry } from './hashChain.ts';

/** A command as an audit entry: the rationale is its reason text, with sequence, id and evidence numbers. */
export function commandEntry(c: Command): AuditEntry {
  const e = c.evidence;
  const numbers = e
    ? `; evidence ${e.detector} ${e.score.toFixed(4)} vs ${e.threshold}, triggers ${e.triggeringEvents.map((t) => t.eventId).join(' ')}`
    : '';
  const by = c.issuedBy ? `; issued by ${c.issuedBy.user}` : '';
  return {
    at: c.issuedAt,
    kind: 'command',
    id: c.commandId,
    scope: c.scope.key,
    action: c.action,
    rationale: `${c.action} #${c.sequence} ${c.scope.key} [${c.reason.code}]: ${c.reason.text}${numbers}${by}`,
    data: c,
  };
}

/** An alert as an audit entry. */
export function alertEntry(a: Alert): AuditEntry {
  return {
    at: a.eventTime,
    kind: 'alert',
    id: a.alertId,
    scope: a.key,
    action: a.severity,
    rationale: `${a.severity} alert on ${a.key}: ${a.message}`,
    data: a,
  };
}

/** The engine's answer to a command as an audit entry. */
export function ackEntry(r: AckRecord): AuditEntry {
  const { ack, delivery } = r;
  return {
    at: ack.ackedAt,
    kind: 'ack',
    id: ack.commandId,
    scope: delivery.command.scope.key,
    action: ack.status,
    rationale: `engine ${ack.engineId} ${ack.status} ${delivery.command.action} on ${delivery.command.scope.key}${ack.reason ? ` (${ack.reason})` : ''}; ${r.latencyMs.toFixed(2)} ms from event arrival to ack`,
    data: ack,
  };
}

/** The engine entering or leaving safe mode (dead-man switch) as an audit entry. */
export function safeModeEntry(
  engineId: string,
  e: { entered: boolean; mode: SafeMode; at: number },
): AuditEntry {
  return {
    at: e.at,
    kind: 'engine',
    id: `${engineId}:safe-mode:${e.mode.since}:${e.entered ? 'enter' : 'leave'}`,
    scope: 'global',
    action: e.entered ? `SAFE_MODE_${e.mode.action}` : 'SAFE_MODE_LEFT',
    rationale: e.entered
      ? `engine ${engineId} entered safe mode (${e.mode.action} on all trading): ${e.mode.reason}`
      : `engine ${engineId} left safe mode on an explicit global RESUME after ${((e.at - e.mode.since) / 1000).toFixed(1)} s`,
    data: e.mode,
  };
}
