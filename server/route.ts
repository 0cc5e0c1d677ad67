import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import type { AuditEntry } from './audit.ts';
import type { RiskDeskDeps } from './deps.ts';
import type { Access, Principal } from './roles.ts';

/** What an audited request was about, as far as it is known. */
export interface AuditNote {
  target?: string;
  why?: string;
  commandId?: string;
}

/** One request as a route handler sees it. */
export interface RequestContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  readonly principal: Principal;
  readonly deps: RiskDeskDeps;
  readonly requestId: string;
  /** Filled in by audited routes as they learn the target and reason. */
  readonly note: AuditNote;
  /** Reads the JSON body (size-limited) and validates it; 4xx on failure. */
  body<S extends z.ZodType>(schema: S): Promise<z.infer<S>>;
  /** Sends a JSON response. */
  json(status: number, value: unknown, headers?: Record<string, string>): void;
  /** Writes the audit entry for this request now (before acting on it). */
  audit(outcome: AuditEntry['outcome'], status: number): Promise<void>;
}

/** A route of the risk desk: method, path, who may call it, and the handler. */
export interface Route {
  readonly method: 'GET' | 'POST';
  /** Exact path, or a prefix ending in `/*`. */
  readonly path: string;
  readonly access: Access;
  /** Set on routes that change something: every call, refused or not, goes to the audit trail. */
  readonly audited?: {
    readonly action: string;
    /** Target and reason from a body that may be invalid, for the entries of refused calls. */
    readonly describe: (body: unknown) => AuditNote;
  };
  /** Lets the token come as `?access_token=` (EventSource cannot send headers). */
  readonly queryToken?: boolean;
  readonly summary: string;
  handle(ctx: RequestContext): Promise<void> | void;
}
