/** One entry of the audit trail: who tried which change, why, and what became of it. */
export interface AuditEntry {
  /** Wall-clock time, epoch ms. */
  readonly at: number;
  /** The token's user, or `anonymous`. */
  readonly user: string;
  readonly role: string;
  /** What was attempted: `halt`, `resume`. */
  readonly action: string;
  /** The scope key acted on, when the request named one. */
  readonly target?: string;
  /** The reason the person gave. */
  readonly why?: string;
  /**
   * `accepted`: authorised and valid, recorded before the command is delivered; `refused`: no or
   * insufficient rights; `invalid`: a malformed request; `failed`: delivery failed after acceptance.
   */
  readonly outcome: 'accepted' | 'refused' | 'invalid' | 'failed';
  /** HTTP status answered. */
  readonly status: number;
  readonly commandId?: string;
  /** Client address, as the socket saw it. */
  readonly remote?: string;
  /** Correlates with the server log and the response's x-request-id. */
  readonly requestId: string;
}

/**
 * Where the risk desk writes its audit trail. `record` may be async; when it fails, the change is
 * not made (an unaudited halt or resume must not happen).
 */
export interface AuditLog {
  record(entry: AuditEntry): void | Promise<void>;
  /** Latest entries first, for the admin view; optional for write-only trails. */
  recent?(limit: number): readonly AuditEntry[] | Promise<readonly AuditEntry[]>;
}

/** A bounded in-memory audit trail (embedded mode and tests), optionally echoing each entry. */
export class MemoryAuditLog implements AuditLog {
  private readonly entries: AuditEntry[] = [];

  constructor(
    private readonly capacity = 10_000,
    private readonly echo?: (entry: AuditEntry) => void,
  ) {}

  record(entry: AuditEntry): void {
    this.entries.push(entry);
    if (this.entries.length > this.capacity) this.entries.shift();
    this.echo?.(entry);
  }

  recent(limit: number): readonly AuditEntry[] {
    return this.entries.slice(-limit).reverse();
  }

  all(): readonly AuditEntry[] {
    return [...this.entries];
  }
}

/** One readable line per entry, for a terminal. */
export function formatAuditEntry(e: AuditEntry): string {
  return (
    `audit: ${e.user} (${e.role}) ${e.action}${e.target ? ` ${e.target}` : ''} -> ${e.outcome} ${e.status}` +
    `${e.commandId ? ` ${e.commandId}` : ''}${e.why ? `; why: ${JSON.stringify(e.why)}` : ''}`
  );
}
