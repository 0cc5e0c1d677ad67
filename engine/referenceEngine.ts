import { SCHEMA_VERSION } from '../schemas/common.ts';
import type { Ack, RejectCode } from '../schemas/ack.ts';
import type { Command, Scope } from '../schemas/command.ts';
import { DeadManSwitch, type DeadManOptions, type SafeMode } from './deadManSwitch.ts';

/** An order as the reference engine's gateway sees it. */
export interface GatewayOrder {
  readonly venue: string;
  readonly symbol: string;
  readonly account: string;
  /** Orders that only reduce an open position pass a REDUCE_ONLY restriction. */
  readonly reduceOnly?: boolean;
}

export interface OrderVerdict {
  readonly accepted: boolean;
  /** Why an order was refused: the scope key and restriction that refused it. */
  readonly reason?: string;
}

/** A restriction in force on one scope. */
export interface Restriction {
  readonly scope: Scope;
  readonly action: 'THROTTLE' | 'REDUCE_ONLY' | 'HALT';
  /** The last command applied to it. */
  readonly commandId: string;
  /**
   * THROTTLE: share of the order rate admitted. REDUCE_ONLY: share of the exposure held at `since`
   * to have cut in all (cumulative; a deeper cut replaces it).
   */
  readonly magnitude?: number;
  /** When the restriction came into force; a deeper REDUCE_ONLY cut keeps its first one's time. */
  readonly since: number;
}

/**
 * The exposure a REDUCE_ONLY restriction leaves: (1 − magnitude) of what was open when it came into
 * force (`exposureAtSince`). The magnitude is cumulative, so 0.5 and then 0.8 leave 50 % and then
 * 20 %, not 50 % and then 35 %. Undefined for other restrictions.
 */
export function exposureTarget(r: Restriction, exposureAtSince: number): number | undefined {
  if (r.action !== 'REDUCE_ONLY' || r.magnitude === undefined) return undefined;
  return (1 - r.magnitude) * exposureAtSince;
}

export interface ReferenceEngineOptions {
  /** Enter safe mode when heartbeats stop; off when absent. */
  readonly deadMan?: DeadManOptions;
  /** Told when the engine enters or leaves safe mode. */
  readonly onSafeMode?: (event: {
    readonly entered: boolean;
    readonly mode: SafeMode;
    readonly at: number;
  }) => void;
}

const STRICTNESS = { THROTTLE: 1, REDUCE_ONLY: 2, HALT: 3 } as const;
/** The key of the restriction safe mode puts in force. */
export const SAFE_MODE_ID = 'dead-man-switch';
const GLOBAL: Scope = { level: 'global', key: 'global' };

/**
 * The trading engine's side of the protocol, as a reference for engine teams and a simulator for
 * tests: an order gateway per venue and symbol that refuses orders while halted, lets only
 * reducing orders through while reduce-only, and admits a fraction while throttled. Each
 * `commandId` is applied once (a repeat answers DUPLICATE); a command older than the last applied
 * sequence of its scope, or past its `expiresAt`, is REJECTED with the reason. With a dead-man
 * switch, the engine restricts all trading (safe mode) once heartbeats stop for the configured
 * time, and leaves safe mode only on an explicit global RESUME. Every time the engine reads comes
 * from the injected clock, so tests run in virtual time.
 */
export class ReferenceEngine {
  private readonly seen = new Map<string, Ack>();
  /**
   * Heartbeats are not kept in `seen` (one a second per pipeline instance would grow it without
   * bound): only each heartbeat scope's latest, so a retried one still answers DUPLICATE; an older
   * one is REJECTED as a stale sequence.
   */
  private readonly lastHeartbeats = new Map<string, Ack>();
  private readonly lastSequence = new Map<string, number>();
  private readonly restrictions = new Map<string, Restriction>();
  private readonly throttleCounters = new Map<string, number>();
  private readonly deadMan: DeadManSwitch | undefined;
  applied = 0;
  duplicates = 0;
  rejected = 0;
  ordersAccepted = 0;
  ordersRejected = 0;

  constructor(
    readonly engineId = 'reference-engine',
    private readonly clock: () => number = Date.now,
    private readonly options: ReferenceEngineOptions = {},
  ) {
    if (options.deadMan) this.deadMan = new DeadManSwitch(options.deadMan, clock());
  }

  /** When the last heartbeat came, NaN before the first. */
  get lastHeartbeatAt(): number {
    return this.deadMan?.lastHeartbeatAt ?? this.lastBeat;
  }
  private lastBeat = Number.NaN;

  /** Safe mode in force, if the dead-man switch tripped. */
  get safeMode(): SafeMode | null {
    return this.deadMan?.safeMode ?? null;
  }

  /**
   * Checks the dead-man switch against the clock. The engine also checks on every command and
   * order, so a timer (`startWatchdog`) only matters for noticing silence when nothing else happens.
   */
  tick(): SafeMode | null {
    if (!this.deadMan) return null;
    const now = this.clock();
    const entered = this.deadMan.check(now);
    if (entered) {
      this.restrictions.set(GLOBAL.key + '#safe-mode', {
        scope: GLOBAL,
        action: entered.action,
        commandId: SAFE_MODE_ID,
        since: now,
      });
      this.options.onSafeMode?.({ entered: true, mode: entered, at: now });
    }
    return entered;
  }

  /**
   * The transport is now able to hear heartbeats: the dead-man silence counts from now, unless the
   * switch already tripped (safe mode is left only by a global RESUME). False when not re-armed.
   */
  armDeadMan(): boolean {
    if (!this.deadMan) return false;
    this.tick();
    return this.deadMan.arm(this.clock());
  }

  /** Runs `tick` every `everyMs` of wall time until the returned function is called. */
  startWatchdog(everyMs = 250): () => void {
    const timer = setInterval(() => this.tick(), everyMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  /** Applies a command at most once and answers with an acknowledgement. */
  apply(command: Command): Ack {
    const started = performance.now();
    this.tick();
    const now = this.clock();
    const previous =
      command.action === 'HEARTBEAT'
        ? this.lastHeartbeats.get(command.scope.key)
        : this.seen.get(command.commandId);
    if (previous && previous.commandId === command.commandId) {
      this.duplicates++;
      return {
        ...previous,
        status: 'DUPLICATE',
        reason: `already ${previous.status.toLowerCase()}`,
        ackedAt: now,
        applyMs: performance.now() - started,
      };
    }
    const key = command.scope.key;
    const ack = (status: Ack['status'], reason?: string, rejectCode?: RejectCode): Ack => {
      const a: Ack = {
        schemaVersion: SCHEMA_VERSION,
        commandId: command.commandId,
        status,
        engineId: this.engineId,
        ackedAt: now,
        ...(reason ? { reason } : {}),
        ...(rejectCode ? { rejectCode } : {}),
        scopeKey: key,
        sequence: command.sequence,
        applyMs: performance.now() - started,
      };
      if (command.action === 'HEARTBEAT') this.lastHeartbeats.set(key, a);
      else this.seen.set(command.commandId, a);
      if (status === 'APPLIED') this.applied++;
      else this.rejected++;
      return a;
    };
    // Manual commands (issuedBy) and RESUMEs are never dropped for age: a person's decision and a
    // lifted restriction must not be lost to a slow link. A late heartbeat is: it proves nothing.
    if (
      command.expiresAt !== undefined &&
      now > command.expiresAt &&
      command.action !== 'RESUME' &&
      !command.issuedBy
    ) {
      return ack('REJECTED', `expired at ${new Date(command.expiresAt).toISOString()}`, 'EXPIRED');
    }
    const last = this.lastSequence.get(key) ?? -1;
    if (command.sequence <= last && !command.issuedBy) {
      return ack(
        'REJECTED',
        `stale sequence ${command.sequence} on ${key}: already at ${last}`,
        'STALE_SEQUENCE',
      );
    }
    this.lastSequence.set(key, Math.max(last, command.sequence));
    switch (command.action) {
      case 'HEARTBEAT':
        this.lastBeat = now;
        this.deadMan?.beat(now);
        break;
      case 'RESUME':
        this.restrictions.delete(key);
        if (key === GLOBAL.key && this.deadMan?.safeMode) {
          const mode = this.deadMan.resume(now)!;
          this.restrictions.delete(GLOBAL.key + '#safe-mode');
          this.options.onSafeMode?.({ entered: false, mode, at: now });
        }
        break;
      case 'THROTTLE':
      case 'REDUCE_ONLY':
      case 'HALT': {
        const prev = this.restrictions.get(key);
        // A REDUCE_ONLY on a scope already reduce-only is a deeper cut of the same exposure: its
        // magnitude is the new total, measured from when the scope first became reduce-only.
        const deeper = command.action === 'REDUCE_ONLY' && prev?.action === 'REDUCE_ONLY';
        this.restrictions.set(key, {
          scope: command.scope,
          action: command.action,
          commandId: command.commandId,
          since: deeper ? prev.since : now,
          ...(command.magnitude !== undefined ? { magnitude: command.magnitude } : {}),
        });
        break;
      }
      case 'ALERT':
        break;
    }
    return ack('APPLIED');
  }

  /** The strictest restriction that covers an order, if any. */
  restrictionFor(order: GatewayOrder): Restriction | undefined {
    let worst: Restriction | undefined;
    for (const r of this.restrictions.values()) {
      const s = r.scope;
      const covers =
        s.level === 'global' ||
        (s.level === 'venue' && s.venue === order.venue) ||
        (s.level === 'symbol' && s.symbol === order.symbol) ||
        (s.level === 'venue-symbol' && s.venue === order.venue && s.symbol === order.symbol) ||
        (s.level === 'account' && s.account === order.account);
      if (covers && (!worst || STRICTNESS[r.action] > STRICTNESS[worst.action])) worst = r;
    }
    return worst;
  }

  /** The gateway's answer to an order under the restrictions in force. */
  submitOrder(order: GatewayOrder): OrderVerdict {
    this.tick();
    const r = this.restrictionFor(order);
    let verdict: OrderVerdict = { accepted: true };
    if (r?.action === 'HALT') verdict = { accepted: false, reason: `halted: ${r.scope.key}` };
    else if (r?.action === 'REDUCE_ONLY' && !order.reduceOnly)
      verdict = { accepted: false, reason: `reduce-only: ${r.scope.key}` };
    else if (r?.action === 'THROTTLE') {
      // Deterministic throttle: admit one order in round(1 / magnitude).
      const every = Math.max(1, Math.round(1 / Math.max(r.magnitude ?? 0.5, 1e-3)));
      const n = (this.throttleCounters.get(r.scope.key) ?? 0) + 1;
      this.throttleCounters.set(r.scope.key, n);
      if (n % every !== 0) verdict = { accepted: false, reason: `throttled: ${r.scope.key}` };
    }
    if (verdict.accepted) this.ordersAccepted++;
    else this.ordersRejected++;
    return verdict;
  }

  /** Restrictions in force, by scope key (safe mode shows as a global restriction). */
  activeRestrictions(): Restriction[] {
    return [...this.restrictions.values()];
  }
}
