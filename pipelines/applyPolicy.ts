import type { OperatorFunction } from 'rxjs';
import { stableId } from '../core/stableId.ts';
import {
  actionForLevel,
  initialScopeState,
  transition,
  LEVELS,
  type ScopeState,
} from '../policy/circuitBreaker.ts';
import { SCHEMA_VERSION } from '../schemas/common.ts';
import type { Alert } from '../schemas/alert.ts';
import type { Command, Scope } from '../schemas/command.ts';
import type { PolicyConfig } from '../schemas/config.ts';
import type { Subject } from '../schemas/feature.ts';
import type { Decision, DetectorScore, ScoredFrame } from './envelope.ts';
import { emitEach } from './emitEach.ts';

/** The command scope a key's decisions apply to. */
export function scopeOf(subject: Subject): Scope {
  switch (subject.keyKind) {
    case 'venue-symbol':
      return { level: 'venue-symbol', key: subject.key, venue: subject.venue, symbol: subject.symbol };
    case 'address':
      return { level: 'address', key: subject.key, address: subject.address };
    default:
      return { level: 'symbol', key: subject.key, symbol: subject.symbol ?? subject.asset };
  }
}

const fmt = (v: number | null) =>
  v === null ? 'n/a' : Math.abs(v) >= 100 || v === 0 ? v.toFixed(0) : v.toPrecision(3);

function scopeName(scope: Scope): string {
  if (scope.level === 'venue-symbol') return `${scope.symbol} on ${scope.venue}`;
  return scope.address ?? scope.symbol ?? scope.key;
}

/** "ensemble 0.997 >= 0.99; top features: trade_intensity 41, mid_return 0.012" */
function rationale(driver: DetectorScore, threshold: number): string {
  const top = driver.contributions
    .slice(0, 3)
    .map((c) => `${c.feature} ${fmt(c.value)}`)
    .join(', ');
  return `${driver.detector} ${driver.score.toFixed(3)} >= ${threshold}${top ? `; top features: ${top}` : ''}`;
}

/**
 * The circuit-breaker stage: one state machine per scope (policy/circuitBreaker.ts), fed by the
 * highest calibrated score of each frame. Alerts and commands get deterministic ids; `clock` gives
 * `issuedAt` (event time in replay so that replays are byte-identical, wall time live).
 */
export function applyPolicy(
  params: PolicyConfig,
  clock: (frame: ScoredFrame) => number = (s) => s.frame.eventTime,
): OperatorFunction<ScoredFrame, Decision> {
  return (source) => {
    const scopes = new Map<string, ScopeState>();
    return source.pipe(
      emitEach((scored: ScoredFrame, emit: (d: Decision) => void) => {
        const { frame } = scored;
        let driver: DetectorScore | undefined;
        for (const s of scored.scores) if (!driver || s.score > driver.score) driver = s;
        if (!driver) {
          emit({ scored, alerts: [], commands: [] });
          return;
        }
        const scope = scopeOf(frame.subject);
        const before = scopes.get(scope.key) ?? initialScopeState;
        const tr = transition(
          before,
          { eventTime: frame.eventTime, score: driver.score, detector: driver.detector },
          params,
        );
        if (tr.state !== before) scopes.set(scope.key, tr.state);
        const alerts: Alert[] = [];
        const commands: Command[] = [];
        if (tr.alert) {
          alerts.push({
            schemaVersion: SCHEMA_VERSION,
            alertId: stableId('alert', frame.subject.key, driver.detector, frame.eventId),
            ...frame.subject,
            eventTime: frame.eventTime,
            detector: driver.detector,
            score: driver.score,
            severity: tr.alert,
            message: `${scopeName(scope)}: ${rationale(driver, params.alertAt)}`,
            topFeatures: [...driver.contributions],
            triggeringEventIds: [frame.eventId],
          });
        }
        let seq = before.sequence;
        for (const action of tr.actions) {
          seq++;
          const issuedAt = clock(scored);
          const resume = action === 'RESUME';
          const threshold = resume
            ? params.exitBelow
            : action === 'HALT'
              ? params.haltAt
              : action === 'REDUCE_ONLY'
                ? params.reduceOnlyAt
                : params.throttleAt;
          commands.push({
            schemaVersion: SCHEMA_VERSION,
            commandId: stableId('cmd', scope.key, action, seq, frame.eventId),
            sequence: seq,
            action,
            scope,
            eventTime: frame.eventTime,
            issuedAt,
            expiresAt: issuedAt + params.commandTtlMs,
            ...(action === 'THROTTLE' ? { magnitude: params.throttleFactor } : {}),
            ...(action === 'REDUCE_ONLY' ? { magnitude: params.reduceFraction } : {}),
            reason: resume
              ? {
                  code: 'CALM',
                  text: `resumed ${scopeName(scope)}: scores below ${params.exitBelow} for ${params.cooldownMs / 1000} s after ${LEVELS[before.level]}`,
                }
              : {
                  code: 'SCORE_THRESHOLD',
                  text: `${actionForLevel(tr.state.level).toLowerCase()} ${scopeName(scope)}: ${rationale(driver, threshold)}`,
                },
            evidence: {
              detector: driver.detector,
              score: driver.score,
              threshold,
              topFeatures: [...driver.contributions],
              triggeringEvents: [{ eventId: frame.eventId, eventTime: frame.eventTime }],
            },
          });
        }
        emit({ scored, alerts, commands });
      }),
    );
  };
}
