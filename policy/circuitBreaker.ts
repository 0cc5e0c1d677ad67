import type { PolicyConfig } from '../schemas/config.ts';
import type { Action } from '../schemas/command.ts';
import type { Severity } from '../schemas/alert.ts';

/** Graded trading states of a scope, mildest first. */
export const LEVELS = ['NORMAL', 'THROTTLE', 'REDUCE_ONLY', 'HALT'] as const;
export type Level = 0 | 1 | 2 | 3;

/** The circuit breaker's memory of one scope. Plain data: checkpointable and comparable. */
export interface ScopeState {
  readonly level: Level;
  /** Event time the current level was entered. */
  readonly since: number;
  /** Event time the score last went below exitBelow and stayed there; null while not calm. */
  readonly calmSince: number | null;
  /** Number of commands issued on the scope so far. */
  readonly sequence: number;
  /** Last alert per detector: [event time, severity rank]. */
  readonly lastAlert: Readonly<Record<string, readonly [number, number]>>;
  /**
   * Per level 1..3 (index 0..2): event time since which the score has stayed at or above that
   * level's enter threshold without a break; null while below. Absent means all null.
   */
  readonly aboveSince?: readonly [number | null, number | null, number | null];
}

export const initialScopeState: ScopeState = {
  level: 0,
  since: 0,
  calmSince: null,
  sequence: 0,
  lastAlert: {},
};

/** What the policy sees of one scored frame. */
export interface Signal {
  readonly eventTime: number;
  /** Calibrated 0..1 score of the detector that drives the decision. */
  readonly score: number;
  readonly detector: string;
}

export interface Transition {
  readonly state: ScopeState;
  /** Command actions to issue, in order. */
  readonly actions: readonly Action[];
  /** Severity of an alert to raise, if any. */
  readonly alert: Severity | null;
}

const ACTION_OF: Record<Level, Action> = { 0: 'RESUME', 1: 'THROTTLE', 2: 'REDUCE_ONLY', 3: 'HALT' };
const LEVEL_OF: Partial<Record<Action, Level>> = { THROTTLE: 1, REDUCE_ONLY: 2, HALT: 3, RESUME: 0 };
const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };
const NEVER = [null, null, null] as const;

export const actionForLevel = (level: Level): Action => ACTION_OF[level];
/** The level an action puts a scope in (RESUME: 0); undefined for ALERT and HEARTBEAT. */
export const levelOfAction = (action: Action): Level | undefined => LEVEL_OF[action];

/** Enter threshold of a level (1..3); exitBelow for 0. */
export function thresholdOf(level: Level, p: PolicyConfig): number {
  return [p.exitBelow, p.throttleAt, p.reduceOnlyAt, p.haltAt][level]!;
}

/** How long the score must stay at or above a level's threshold before the level is entered. */
export function enterAfterOf(level: Level, p: PolicyConfig): number {
  return [0, p.throttleAfterMs ?? 0, p.reduceOnlyAfterMs ?? 0, p.haltAfterMs ?? 0][level]!;
}

export function targetLevel(score: number, p: PolicyConfig): Level {
  if (score >= p.haltAt) return 3;
  if (score >= p.reduceOnlyAt) return 2;
  if (score >= p.throttleAt) return 1;
  return 0;
}

export function severityOf(score: number, p: PolicyConfig): Severity {
  return score >= p.haltAt ? 'critical' : score >= p.throttleAt ? 'warning' : 'info';
}

/**
 * The circuit breaker's transition for one scope: a pure function of state, signal and parameters.
 * Escalates to the highest level whose enter threshold the score has held for that level's
 * `*AfterMs` (0: at once), one command per step up, no repeats; resumes only after the score has
 * stayed below `exitBelow` for `cooldownMs` and, for a halt, `minHaltMs` has passed. Alerts are
 * de-duplicated per detector within `alertIntervalMs` unless the severity rises.
 */
export function transition(state: ScopeState, s: Signal, p: PolicyConfig): Transition {
  const actions: Action[] = [];
  let { level, since, calmSince, sequence, lastAlert } = state;
  const t = s.eventTime;

  // The common case, a score below every enter threshold, allocates nothing.
  let aboveSince: readonly [number | null, number | null, number | null] = NEVER;
  let target: Level = 0;
  if (s.score >= p.throttleAt) {
    const prev = state.aboveSince ?? NEVER;
    const a1 = prev[0] ?? t;
    const a2 = s.score >= p.reduceOnlyAt ? (prev[1] ?? t) : null;
    const a3 = s.score >= p.haltAt ? (prev[2] ?? t) : null;
    // Unchanged while the score stays up: keep the same array rather than allocate per frame.
    aboveSince = a1 === prev[0] && a2 === prev[1] && a3 === prev[2] ? prev : [a1, a2, a3];
    for (let l = 3; l >= 1; l--) {
      const from = aboveSince[l - 1];
      if (from !== null && from !== undefined && t - from >= enterAfterOf(l as Level, p)) {
        target = l as Level;
        break;
      }
    }
  }

  if (target > level) {
    level = target;
    since = t;
    calmSince = null;
    actions.push(ACTION_OF[target]);
    sequence++;
  } else if (s.score < p.exitBelow) {
    if (calmSince === null) calmSince = t;
    const calmFor = t - calmSince;
    const heldFor = t - since;
    if (level > 0 && calmFor >= p.cooldownMs && (level < 3 || heldFor >= p.minHaltMs)) {
      level = 0;
      since = t;
      actions.push('RESUME');
      sequence++;
    }
  } else {
    calmSince = null;
  }

  let alert: Severity | null = null;
  if (s.score >= p.alertAt) {
    const sev = severityOf(s.score, p);
    const prev = lastAlert[s.detector];
    if (!prev || t - prev[0] >= p.alertIntervalMs || SEVERITY_RANK[sev] > prev[1]) {
      alert = sev;
      lastAlert = { ...lastAlert, [s.detector]: [t, SEVERITY_RANK[sev]] as const };
    }
  }
  const next: ScopeState = { level, since, calmSince, sequence, lastAlert };
  return {
    state: aboveSince !== NEVER ? { ...next, aboveSince } : next,
    actions,
    alert,
  };
}
