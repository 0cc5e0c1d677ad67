import type { AuditEntry, AuditLog } from './audit.ts';

/** An entry as the hash-chained trail of audit/ takes it (audit/hashChain.ts `AuditEntry`). */
export interface ChainEntry {
  readonly at: number;
  readonly kind: string;
  readonly id: string;
  readonly scope?: string;
  readonly action?: string;
  readonly rationale: string;
  readonly data?: unknown;
}

/** The trail's write side: audit/auditLog.ts seals and appends each batch before `write` returns. */
export interface ChainWriter {
  write(batch: readonly ChainEntry[]): void | Promise<void>;
}

/** A desk entry in the chain's words: kind `desk`, the request id, and a readable rationale. */
export function chainEntry(e: AuditEntry): ChainEntry {
  return {
    at: e.at,
    kind: 'desk',
    id: e.requestId,
    ...(e.target !== undefined ? { scope: e.target } : {}),
    action: `${e.action}:${e.outcome}`,
    rationale:
      `${e.user} (${e.role}) ${e.action}${e.target ? ` ${e.target}` : ''}: ${e.outcome} (${e.status})` +
      `${e.commandId ? ` as ${e.commandId}` : ''}${e.why ? `; why: ${e.why}` : ''}`,
    data: e,
  };
}

/**
 * The desk's audit trail on the hash-chained log of audit/: every entry is sealed into the chain
 * before the desk acts, and a write that fails stops the change (the desk answers 503).
 */
export function chainedAudit(chain: ChainWriter, also?: AuditLog): AuditLog {
  return {
    async record(e) {
      await chain.write([chainEntry(e)]);
      await also?.record(e);
    },
    ...(also?.recent ? { recent: (limit: number) => also.recent!(limit) } : {}),
  };
}
