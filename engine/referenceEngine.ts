import { SCHEMA_VERSION } from '../schemas/common.ts';
import type { Ack } from '../schemas/ack.ts';
import type { Command, Scope } from '../schemas/command.ts';

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
  readonly commandId: string;
  readonly magnitude?: number;
  readonly since: number;
}

const STRICTNESS = { THROTTLE: 1, REDUCE_ONLY: 2, HALT: 3 } as const;

/**
 * The trading engine's side of the protocol, as a reference for engine teams and a simulator for
 * tests: an order gateway per venue and symbol that refuses orders while halted, lets only
 * reducing orders through while reduce-only, and admits a fraction while throttled. Each
 * `commandId` is applied once (a repeat answers DUPLICATE); a command older than the last applied
 * sequence of its scope, or past its `expiresAt`, is REJECTED with the reason.
 */
export class ReferenceEngine {
  private readonly seen = new Map<string, Ack>();
  private readonly lastSequence = new Map<string, number>();
  private readonly restrictions = new Map<string, Restriction>();
  private readonly throttleCounters = new Map<string, number>();
  lastHeartbeatAt = Number.NaN;
  applied = 0;
  duplicates = 0;
  rejected = 0;
  ordersAccepted = 0;
  ordersRejected = 0;

  constructor(
    readonly engineId = 'reference-engine',
    private readonly clock: () => number = Date.now,
  ) {}

  /** Applies a command at most once and answers with an acknowledgement. */
  apply(command: Command): Ack {
    const now = this.clock();
    const previous = this.seen.get(command.commandId);
    if (previous) {
      this.duplicates++;
      return {
        ...previous,
        status: 'DUPLICATE',
        reason: `already ${previous.status.toLowerCase()}`,
        ackedAt: now,
      };
    }
    const ack = (status: Ack['status'], reason?: string): Ack => {
      const a: Ack = {
        schemaVersion: SCHEMA_VERSION,
        commandId: command.commandId,
        status,
        engineId: this.engineId,
        ackedAt: now,
        ...(reason ? { reason } : {}),
      };
      this.seen.set(command.commandId, a);
      if (status === 'APPLIED') this.applied++;
      else this.rejected++;
      return a;
    };
    if (command.action === 'HEARTBEAT') {
      this.lastHeartbeatAt = now;
      return ack('APPLIED');
    }
    if (
      command.expiresAt !== undefined &&
      now > command.expiresAt &&
      command.action !== 'RESUME' &&
      !command.issuedBy
    ) {
      return ack('REJECTED', `expired at ${new Date(command.expiresAt).toISOString()}`);
    }
    const key = command.scope.key;
    const last = this.lastSequence.get(key) ?? -1;
    if (command.sequence <= last && !command.issuedBy) {
      return ack('REJECTED', `stale sequence ${command.sequence} on ${key}: already at ${last}`);
    }
    this.lastSequence.set(key, Math.max(last, command.sequence));
    switch (command.action) {
      case 'RESUME':
        this.restrictions.delete(key);
        break;
      case 'THROTTLE':
      case 'REDUCE_ONLY':
      case 'HALT':
        this.restrictions.set(key, {
          scope: command.scope,
          action: command.action,
          commandId: command.commandId,
          since: now,
          ...(command.magnitude !== undefined ? { magnitude: command.magnitude } : {}),
        });
        break;
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

  /** Restrictions in force, by scope key. */
  activeRestrictions(): Restriction[] {
    return [...this.restrictions.values()];
  }
}
