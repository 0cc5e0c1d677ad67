import type { RestrictiveAction, Scope } from '../schemas/command.ts';
import type { EscalationRule, PolicyConfig } from '../schemas/config.ts';
import { levelOfAction, type Level } from './circuitBreaker.ts';
import { parentScope } from './scopes.ts';

/** A restricted child scope as escalation sees it. */
export interface Restricted {
  readonly scope: Scope;
  readonly level: Level;
  /**
   * A leg of asset pairs (docs/policy.md): the level its own sources call for (its frames, an
   * escalation, de-risking) and each restricting pair's level, by pair key. Absent: all its own.
   */
  readonly own?: Level;
  readonly pairs?: Readonly<Record<string, Level>>;
}

/**
 * How many independent restrictions the children are: a child restricted at `min` or worse by its
 * own sources counts as itself, one restricted only by asset pairs as those pairs, so a pair that
 * restricts both of its legs counts once, at most one per child.
 */
function independent(children: readonly Restricted[], min: Level): number {
  const sources = new Set<string>();
  for (const c of children) {
    if (c.own === undefined || c.own >= min || !c.pairs) sources.add(c.scope.key);
    else for (const k in c.pairs) if (c.pairs[k]! >= min) sources.add(k);
  }
  return Math.min(children.length, sources.size);
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
 * least `atLeast` children of level `from` under the parent are restricted at `minAction` or worse,
 * by at least `atLeast` independent restrictions (an asset pair restricting two of them is one).
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
    const under = all.filter(
      (c) =>
        c.scope.level === rule.from && c.level >= min && parentScope(c.scope, rule.to)?.key === parent.key,
    );
    if (under.length < rule.atLeast || independent(under, min) < rule.atLeast) continue;
    const children = under
      .map((c) => ({ scopeKey: c.scope.key, action: CHILD_ACTION[c.level] }))
      .sort((a, b) => (a.scopeKey < b.scopeKey ? -1 : a.scopeKey > b.scopeKey ? 1 : 0));
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
