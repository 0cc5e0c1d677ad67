import type { PolicyConfig, SupportBreakPolicy } from '../schemas/config.ts';
import type { SupportBreak } from '../schemas/score.ts';

/**
 * Stages of graded de-risking on a scope's support-break estimate: 0 none, 1 the break is likely
 * (first cut), 2 the level broke (further cut).
 */
export type DeriskStage = 0 | 1 | 2;

/** The de-risking memory of one scope. Plain data: checkpointable and comparable. */
export interface DeriskState {
  readonly stage: DeriskStage;
  /** Event time the current stage was entered. */
  readonly since: number;
  /** Event time since which the estimates have been calm (probability below exitBelow, price above the support); null while not. */
  readonly calmSince: number | null;
  /** The last support-break alert: event time and the stage it announced (de-duplication). */
  readonly alerted?: readonly [number, DeriskStage];
}

export const initialDerisk: DeriskState = { stage: 0, since: 0, calmSince: null };

/** Stage an estimate calls for: 2 once the level is broken, 1 from `probabilityAt`, else 0. */
export function deriskTarget(e: SupportBreak, b: SupportBreakPolicy): DeriskStage {
  if (e.broken) return 2;
  return e.probability >= b.probabilityAt ? 1 : 0;
}

/**
 * Share of the exposure a stage cuts in all, since the scope entered REDUCE_ONLY: the command's
 * `magnitude` is cumulative (docs/engine-protocol.md), so stage 2 says reduceFraction +
 * breakFraction (0.8), not the 0.3 step.
 */
export function deriskFraction(stage: DeriskStage, b: SupportBreakPolicy): number {
  if (stage === 0) return 0;
  return stage === 1 ? b.reduceFraction : Math.min(1, b.reduceFraction + b.breakFraction);
}

/**
 * One estimate's transition: a pure function of state, estimate and parameters. The stage rises at
 * once to what the estimate calls for (a level that breaks before its probability reached the
 * threshold goes straight to 2) and never falls on a single calm estimate: only after the estimates
 * have stayed calm (probability below `exitBelow` and the price above the support, not merely above
 * the break level) for `supportBreak.cooldownMs` does it return to 0. Probabilities between
 * exitBelow and probabilityAt hold the stage (hysteresis). No estimate (the LSTM not configured,
 * still warming up) changes nothing. Returns `state` itself when nothing changes, so the common
 * case allocates nothing.
 */
export function deriskTransition(
  state: DeriskState,
  e: SupportBreak | undefined,
  t: number,
  p: PolicyConfig,
): DeriskState {
  const b = p.supportBreak;
  if (!e || !b?.enabled) return state;
  const target = deriskTarget(e, b);
  if (target > state.stage) return { ...state, stage: target, since: t, calmSince: null };
  if (e.price > e.support && e.probability < b.exitBelow) {
    const calmSince = state.calmSince ?? t;
    if (state.stage > 0 && t - calmSince >= b.cooldownMs) return { ...state, stage: 0, since: t, calmSince };
    return calmSince === state.calmSince ? state : { ...state, calmSince };
  }
  return state.calmSince === null ? state : { ...state, calmSince: null };
}

/**
 * Whether a rise to `stage` is announced on the alert feed: always, unless a support-break alert
 * on the scope announced at least this stage within `alertIntervalMs` (the de-duplication of score
 * alerts, with the stage in the place of the severity).
 */
export function deriskAlertDue(state: DeriskState, stage: DeriskStage, t: number, p: PolicyConfig): boolean {
  const last = state.alerted;
  return !last || t - last[0] >= p.alertIntervalMs || stage > last[1];
}
