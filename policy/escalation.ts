import type { RestrictiveAction, Scope } from '../schemas/command.ts';
import type { EscalationRule, PolicyConfig } from '../schemas/config.ts';
import { levelOfAction, type Level } from './circuitBreaker.ts';
import { parentScope } from './scopes.ts';

/** A restricted child scope as escalation sees it. */
export interface Restricted {
  readonly scope: Scope;
  readonly level: Level;
}

/** A child that counted towards an escalation. */
export interface EscalationChild {
  readonly scopeKey: string;
  readonly action: RestrictiveAction;
}

/** What a parent scope's children call for, and which rule and children call for it. */
export interface EscalationDemand {
  readonly level: Level;
  readonly rule: EscalationRule;
  readonly children: readonly EscalationChild[];
}

/** An escalation in force on a parent scope. Plain data. */
export interface Escalated extends EscalationDemand {
  /** Event time the parent entered this level by escalation. */
  readonly since: number;
}

const CHILD_ACTION = ['THROTTLE', 'THROTTLE', 'REDUCE_ONLY', 'HALT'] as const;

/**
 * The strictest level the rules give `parent` from its restricted children: a rule fires when at
 * least `atLeast` children of level `from` under the parent are restricted at `minAction` or worse.
 * Children are listed by key, so the same children always give the same evidence.
 */
export function escalationDemand(
  parent: Scope,
  rules: readonly EscalationRule[],
  restricted: Iterable<Restricted>,
): EscalationDemand | null {
  const applicable = rules.filter((r) => r.to === parent.level);
  if (applicable.length === 0) return null;
  const all = [...restricted];
  let best: EscalationDemand | null = null;
  for (const rule of applicable) {
    const min = levelOfAction(rule.minAction)!;
    const children = all
      .filter(
        (c) =>
          c.scope.level === rule.from && c.level >= min && parentScope(c.scope, rule.to)?.key === parent.key,
      )
      .map((c) => ({ scopeKey: c.scope.key, action: CHILD_ACTION[c.level] }))
      .sort((a, b) => (a.scopeKey < b.scopeKey ? -1 : a.scopeKey > b.scopeKey ? 1 : 0));
    if (children.length < rule.atLeast) continue;
    const level = levelOfAction(rule.action)!;
    if (!best || level > best.level) best = { level, rule, children };
  }
  return best;
}

/**
 * The escalation a parent holds after its children changed or time passed: a stricter demand is
 * taken at once; a milder one, or none, only once the escalation has lasted `minHaltMs` (a halt)
 * or `cooldownMs` (a milder action), so that escalation obeys the same timers as scores do.
 */
export function holdEscalation(
  prev: Escalated | null,
  demand: EscalationDemand | null,
  now: number,
  p: Pick<PolicyConfig, 'minHaltMs' | 'cooldownMs'>,
): Escalated | null {
  if (demand && (!prev || demand.level > prev.level)) return { ...demand, since: now };
  if (!prev) return null;
  if (demand && demand.level === prev.level) return { ...demand, since: prev.since };
  const held = now - prev.since >= (prev.level === 3 ? p.minHaltMs : p.cooldownMs);
  if (!held) return prev;
  return demand ? { ...demand, since: now } : null;
}
