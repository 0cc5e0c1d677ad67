import type { Action, Scope } from '../schemas/command.ts';
import type { Contribution, SupportBreak } from '../schemas/score.ts';
import { LEVELS } from './circuitBreaker.ts';
import type { Cause, Intent } from './policyBook.ts';
import { scopeName } from './scopes.ts';

/** A number as people read it: 41, 0.00344, 18.7, −0.93. */
export function fmt(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return 'n/a';
  const s = Math.abs(v) >= 100 || v === 0 ? v.toFixed(0) : v.toPrecision(3);
  return s.replace(/^-/, '−');
}

/** Seconds with at most one decimal: "3 s", "0.6 s". */
export const secs = (ms: number): string => `${Math.round(ms / 100) / 10} s`;

/** "p99.9" (at least the 99.9th percentile of the key's own history), "p0.1", "p50". */
export const pct = (p: number): string => `p${Math.round(p * 10) / 10}`;

/** A share as a percentage: 0.5 → "50 %". */
export const share = (f: number): string => `${Math.round(f * 1000) / 10} %`;

/** A price to six significant digits, so a support and a price just under it read apart: 101.23, 65432.1. */
export const priceText = (v: number): string =>
  Number.isFinite(v) ? String(Number(v.toPrecision(6))) : 'n/a';

/** "cancel_to_trade 41 (p99.9), book_imbalance −0.93 (p0.1)": the first `n` contributions. */
export function topFeaturesText(features: readonly Contribution[], n = 3): string {
  return features
    .slice(0, n)
    .map((c) => `${c.feature} ${fmt(c.value)}${c.percentile !== undefined ? ` (${pct(c.percentile)})` : ''}`)
    .join(', ');
}

/**
 * A support-break estimate in words, for a stage-1 (the break is likely) or stage-2 (broken) command
 * or alert: "support-break probability 0.85 ≥ 0.8 within 300 s (lstm; support 100, break level 98,
 * price 98.4)", "support 100 broken, price 97.9 ≤ break level 98 (lstm, 300 s horizon)". The break
 * level is named only when it lies below the support (a margin).
 */
export function supportBreakText(stage: 1 | 2, e: SupportBreak, threshold: number): string {
  const margin = e.breakLevel !== undefined && e.breakLevel < e.support;
  return stage === 2
    ? `support ${priceText(e.support)} broken, price ${priceText(e.price)}${margin ? ` ≤ break level ${priceText(e.breakLevel!)}` : ''} (${e.detector}, ${secs(e.horizonMs)} horizon)`
    : `support-break probability ${e.probability.toFixed(2)} ≥ ${threshold} within ${secs(e.horizonMs)} (${e.detector}; support ${priceText(e.support)}${margin ? `, break level ${priceText(e.breakLevel!)}` : ''}, price ${priceText(e.price)})`;
}

const VERB: Record<Action, string> = {
  THROTTLE: 'throttled',
  REDUCE_ONLY: 'set reduce-only on',
  HALT: 'halted',
  RESUME: 'resumed',
  ALERT: 'alerted on',
  HEARTBEAT: 'heartbeat for',
};

function verb(action: Action, scope: Scope, cause: Cause): string {
  if (action === 'HALT' && cause.kind === 'freeze') return 'froze';
  return VERB[action];
}

/**
 * The rationale of a command in words and numbers, e.g.
 * "halted BTCUSDT on venue-x: ensemble 0.997 ≥ 0.99 for 3 s; top features: cancel_to_trade 41 (p99.9)".
 */
export function rationale(intent: Intent, topFeatures: readonly Contribution[] = []): string {
  const { action, scope, cause, from, to } = intent;
  // A leg restricted by an asset pair's frame names the pair.
  const via =
    (cause.kind === 'score' || cause.kind === 'calm') && cause.pair ? `, a leg of ${cause.pair}` : '';
  const what = `${verb(action, scope, cause)} ${scopeName(scope)}${via}`;
  const down = to > 0 && to < from ? ` (down from ${LEVELS[from]})` : '';
  const top = topFeatures.length ? `; top features: ${topFeaturesText(topFeatures)}` : '';
  switch (cause.kind) {
    case 'score':
      return `${what}: ${cause.detector} ${cause.score.toFixed(3)} ≥ ${cause.threshold}${
        cause.aboveForMs > 0 ? ` for ${secs(cause.aboveForMs)}` : ''
      }${top}`;
    case 'calm': {
      const held = `after ${LEVELS[from]} (held ${secs(cause.heldForMs)})`;
      const scores = `${cause.pair ? "the pair's " : ''}scores below ${cause.threshold} for ${secs(cause.calmForMs)}`;
      const sup = cause.support;
      if (!sup) return `${what}${down}: ${scores} ${held}`;
      const supCalm = `support-break probability below ${sup.exitBelow} for ${secs(sup.calmForMs)}`;
      // De-risking still holds the scope at REDUCE_ONLY (the halt above it calmed).
      if (sup.stage > 0)
        return `${what}${down}: ${scores} ${held}; support-break de-risking still holds REDUCE_ONLY`;
      // De-risking calmed; the scores still call for this level.
      if (to > 0) return `${what}${down}: ${supCalm} ${held}; scores still call for ${LEVELS[to]}`;
      return `${what}${down}: ${scores} and ${supCalm} ${held}`;
    }
    case 'support-break': {
      const cutting =
        cause.previousFraction > 0
          ? `cutting ${share(cause.fraction - cause.previousFraction)} more (${share(cause.fraction)} in all)`
          : `cutting ${share(cause.fraction)} of exposure`;
      return `${what}, ${cutting}: ${supportBreakText(cause.stage, cause.estimate, cause.threshold)}`;
    }
    case 'escalation': {
      const n = cause.children.length;
      const list = cause.children.map((c) => c.scopeKey).join(', ');
      return `${what}: ${n} ${cause.rule.from} scope${n === 1 ? '' : 's'} at ${cause.rule.minAction} or worse (${list}), rule ≥ ${cause.rule.atLeast}`;
    }
    case 'escalation-released':
      return `${what}${down}: fewer than ${cause.rule.atLeast} ${cause.rule.from} scopes at ${cause.rule.minAction}; escalation held ${secs(cause.heldForMs)}`;
    case 'manual':
      return `${what} by hand: ${cause.user}: ${cause.why}`;
    case 'freeze':
      return `${what}: flagged ${cause.category.replace(/^rule:/, 'by rule ')} by ${cause.source} (event ${cause.eventId}); held until a manual resume`;
  }
}
