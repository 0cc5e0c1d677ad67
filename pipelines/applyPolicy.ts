import { Observable, type OperatorFunction } from 'rxjs';
import { stableId } from '../core/stableId.ts';
import type { AddressFlag } from '../policy/addressFreeze.ts';
import { FeaturePercentiles } from '../policy/featurePercentiles.ts';
import type { ManualOverride } from '../policy/manualOverride.ts';
import { levelOfAction, thresholdOf } from '../policy/circuitBreaker.ts';
import { PolicyBook, type Intent, type PolicyInput } from '../policy/policyBook.ts';
import { rationale, supportBreakText, topFeaturesText } from '../policy/rationale.ts';
import { legScopesOf, scopeOf, subjectName } from '../policy/scopes.ts';
import { REASON_CODES, type Command, type Evidence, type Scope } from '../schemas/command.ts';
import { SCHEMA_VERSION } from '../schemas/common.ts';
import type { Alert } from '../schemas/alert.ts';
import type { PolicyConfig } from '../schemas/config.ts';
import type { Subject } from '../schemas/feature.ts';
import type { Contribution, SupportBreak } from '../schemas/score.ts';
import type { Decision, DetectorScore, ScoredFrame } from './envelope.ts';
import { emitEach } from './emitEach.ts';

export { scopeOf } from '../policy/scopes.ts';

/** What people and lists tell the policy besides scores: manual overrides and flagged addresses. */
export type PolicyControl =
  | { readonly kind: 'override'; readonly override: ManualOverride }
  | { readonly kind: 'flag'; readonly flag: AddressFlag };

export interface ApplyPolicyOptions {
  /** `issuedAt` of commands: event time by default (replays are byte-identical), wall time live. */
  readonly clock?: (s: ScoredFrame) => number;
  /** Manual overrides and address flags, interleaved with the frames in arrival order. */
  readonly controls?: Observable<PolicyControl>;
  /** Optional observer of the policy book after each input (the desk page, checkpoints). */
  readonly book?: (book: PolicyBook) => void;
  /** Start from this book (restored from a checkpoint) instead of an empty one; one subscription only. */
  readonly initialBook?: PolicyBook;
}

/** Triggering events kept per scope for the evidence. */
const RECENT_TRIGGERS = 5;

const CODE: Record<Intent['cause']['kind'], string> = {
  score: REASON_CODES.SCORE_THRESHOLD,
  calm: REASON_CODES.CALM,
  escalation: REASON_CODES.ESCALATION,
  'escalation-released': REASON_CODES.ESCALATION_RELEASED,
  manual: REASON_CODES.MANUAL_HALT,
  freeze: REASON_CODES.ADDRESS_FLAGGED,
  'support-break': REASON_CODES.SUPPORT_AT_RISK,
};

/** The frame's support-break estimate: the likeliest break when several detectors make one. */
function supportBreakOf(scores: readonly DetectorScore[]): SupportBreak | undefined {
  let best: SupportBreak | undefined;
  for (const s of scores)
    if (s.supportBreak && (!best || s.supportBreak.probability > best.probability)) best = s.supportBreak;
  return best;
}

/** The subject a control decision is filed under (it has no features and no scores). */
function subjectOfScope(scope: Scope): Subject {
  if (scope.level === 'venue-symbol')
    return { key: scope.key, keyKind: 'venue-symbol', venue: scope.venue, symbol: scope.symbol };
  if (scope.level === 'address') return { key: scope.key, keyKind: 'address', address: scope.address };
  return { key: scope.key, keyKind: 'symbol', ...(scope.symbol ? { symbol: scope.symbol } : {}) };
}

const EMPTY = new Float64Array(0);
/** Shared by every decision that issues nothing (nearly all of them). */
const NONE: readonly never[] = Object.freeze([]);

/** A frame for a control input: no features, no scores, the control's time and id. */
function controlFrame(c: PolicyControl, arrivalMs: number): ScoredFrame {
  const [scope, eventId, eventTime] =
    c.kind === 'override'
      ? [c.override.scope, c.override.requestId, c.override.time]
      : [
          { level: 'address', key: `addr:${c.flag.address}`, address: c.flag.address } as Scope,
          c.flag.eventId,
          c.flag.eventTime,
        ];
  return {
    frame: {
      seq: -1,
      subject: subjectOfScope(scope),
      eventId,
      eventTime,
      arrivalMs,
      names: [],
      values: EMPTY,
      mid: Number.NaN,
    },
    scores: [],
  };
}

/**
 * The circuit-breaker stage: the policy book (policy/policyBook.ts) fed by the highest calibrated
 * score of each frame and its support-break estimate (when the LSTM makes one), plus manual
 * overrides and address flags. Its intents become protocol commands with deterministic ids
 * (scope, action, sequence, trigger), per-scope sequence numbers, reason code and rationale, and
 * evidence: detector scores, threshold, top features with their percentiles in the key's history,
 * the triggering events, and the support-break estimate.
 */
export function applyPolicy(
  params: PolicyConfig,
  options: ApplyPolicyOptions | ((s: ScoredFrame) => number) = {},
): OperatorFunction<ScoredFrame, Decision> {
  const o: ApplyPolicyOptions = typeof options === 'function' ? { clock: options } : options;
  const clock = o.clock ?? ((s: ScoredFrame) => s.frame.eventTime);
  return (source) => {
    // Per subscription: a replay subscribed twice starts from an empty book both times.
    const book = o.initialBook ?? new PolicyBook(params);
    const percentiles = new FeaturePercentiles();
    const triggers = new Map<string, { eventId: string; eventTime: number }[]>();
    /** Per key: the frame's scope and, for an asset pair, the scopes of its legs. */
    const scopes = new Map<string, { scope: Scope; legs?: readonly Scope[] }>();

    const withPercentiles = (key: string, cs: readonly Contribution[]): Contribution[] =>
      cs.map((c) => {
        const p = percentiles.percentile(key, c.feature, c.value);
        return p === undefined ? c : { ...c, percentile: p };
      });

    const evidenceOf = (
      intent: Intent,
      scored: ScoredFrame,
      driver: DetectorScore | undefined,
      top: Contribution[],
    ): Evidence | undefined => {
      const { cause } = intent;
      const { frame } = scored;
      if (cause.kind === 'manual' || cause.kind === 'escalation-released') return undefined;
      if (cause.kind === 'freeze' && !driver)
        // A list's label is a rule hit: score 1 against threshold 1, with the label event as trigger.
        return {
          detector: `address-label:${cause.source}`,
          score: 1,
          threshold: 1,
          topFeatures: [],
          triggeringEvents: [{ eventId: cause.eventId, eventTime: intent.time }],
        };
      if (!driver) return undefined;
      const recent = triggers.get(frame.subject.key) ?? [];
      const threshold =
        cause.kind === 'score' || cause.kind === 'calm' || cause.kind === 'support-break'
          ? cause.threshold
          : cause.kind === 'escalation'
            ? thresholdOf(levelOfAction(cause.rule.minAction)!, params)
            : params.haltAt;
      const estimate = cause.kind === 'support-break' ? cause.estimate : supportBreakOf(scored.scores);
      return {
        // A support-break step is driven by the estimate: its detector, its probability.
        detector: cause.kind === 'support-break' ? cause.estimate.detector : driver.detector,
        score: cause.kind === 'support-break' ? cause.estimate.probability : driver.score,
        threshold,
        topFeatures: cause.kind === 'calm' || cause.kind === 'support-break' ? [] : top,
        // A copy: `recent` goes on changing, and a command must not change after it was issued.
        triggeringEvents: recent.some((e) => e.eventId === frame.eventId)
          ? [...recent]
          : [...recent, { eventId: frame.eventId, eventTime: frame.eventTime }],
        scores: scored.scores.map((s) => ({ detector: s.detector, score: s.score })),
        ...(cause.kind === 'score' ? { aboveForMs: cause.aboveForMs } : {}),
        ...(estimate ? { supportBreak: estimate } : {}),
        ...(cause.kind === 'escalation' ? { children: [...cause.children] } : {}),
        ...((cause.kind === 'score' || cause.kind === 'calm') && cause.pair && frame.subject.legs
          ? { pair: { key: cause.pair, legs: frame.subject.legs } }
          : {}),
      };
    };

    const toCommand = (
      intent: Intent,
      scored: ScoredFrame,
      driver: DetectorScore | undefined,
      top: Contribution[],
    ): Command => {
      const issuedAt = clock(scored);
      const { cause, scope, action, sequence } = intent;
      const trigger =
        cause.kind === 'manual'
          ? cause.requestId
          : cause.kind === 'freeze'
            ? cause.eventId
            : scored.frame.eventId;
      const evidence = evidenceOf(intent, scored, driver, top);
      return {
        schemaVersion: SCHEMA_VERSION,
        commandId: stableId('cmd', scope.key, action, sequence, trigger),
        sequence,
        action,
        scope,
        eventTime: scored.frame.eventTime,
        issuedAt,
        expiresAt: issuedAt + params.commandTtlMs,
        ...(action === 'THROTTLE' ? { magnitude: params.throttleFactor } : {}),
        ...(action === 'REDUCE_ONLY' ? { magnitude: intent.magnitude ?? params.reduceFraction } : {}),
        reason: {
          code:
            cause.kind === 'manual' && action === 'RESUME'
              ? REASON_CODES.MANUAL_RESUME
              : cause.kind === 'support-break' && cause.stage === 2
                ? REASON_CODES.SUPPORT_BROKEN
                : CODE[cause.kind],
          text: rationale(intent, cause.kind === 'score' ? top : []),
        },
        ...(evidence ? { evidence } : {}),
        ...(cause.kind === 'manual' ? { issuedBy: { user: cause.user, why: cause.why } } : {}),
      };
    };

    const decide = (
      scored: ScoredFrame,
      input: PolicyInput | undefined,
      driver: DetectorScore | undefined,
    ): Decision => {
      const { frame } = scored;
      const key = frame.subject.key;
      const step = input ? book.step(input) : undefined;
      if (driver) for (const c of driver.contributions) percentiles.want(c.feature);
      if (driver && driver.score >= params.alertAt) {
        const recent = triggers.get(key) ?? [];
        recent.push({ eventId: frame.eventId, eventTime: frame.eventTime });
        if (recent.length > RECENT_TRIGGERS) recent.shift();
        triggers.set(key, recent);
      }
      if (!step || (!step.alert && !step.supportAlert && step.intents.length === 0)) {
        if (frame.names.length > 0) percentiles.observe(key, frame.names, frame.values);
        o.book?.(book);
        return { scored, alerts: NONE, commands: NONE };
      }
      const alerts: Alert[] = [];
      const commands: Command[] = [];
      // Percentiles are read before this frame joins the history: how unusual it is against the past.
      const top = driver ? withPercentiles(key, driver.contributions) : [];
      if (step.alert && driver) {
        const topText = topFeaturesText(top);
        alerts.push({
          schemaVersion: SCHEMA_VERSION,
          alertId: stableId('alert', key, driver.detector, frame.eventId),
          ...frame.subject,
          eventTime: frame.eventTime,
          detector: driver.detector,
          score: driver.score,
          severity: step.alert,
          message: `${subjectName(frame.subject)}: ${driver.detector} ${driver.score.toFixed(3)} ≥ ${params.alertAt}${topText ? `; top features: ${topText}` : ''}`,
          topFeatures: top,
          triggeringEventIds: [frame.eventId],
        });
      }
      if (step.supportAlert) {
        const { estimate: e, stage, severity, threshold } = step.supportAlert;
        alerts.push({
          schemaVersion: SCHEMA_VERSION,
          // Apart from a score alert of the same detector on the same frame.
          alertId: stableId('alert', key, `${e.detector}:support-break`, frame.eventId),
          ...frame.subject,
          eventTime: frame.eventTime,
          detector: e.detector,
          score: e.probability,
          severity,
          message: `${subjectName(frame.subject)}: ${supportBreakText(stage, e, threshold)}`,
          topFeatures: [],
          triggeringEventIds: [frame.eventId],
          supportBreak: e,
        });
      }
      for (const intent of step.intents) {
        commands.push(toCommand(intent, scored, driver, top));
        if (intent.to === 0) {
          triggers.delete(intent.scope.key);
          // A pair's calm: its next episode starts with fresh triggering events.
          if (intent.cause.kind === 'calm' && intent.cause.pair) triggers.delete(intent.cause.pair);
        }
      }
      if (frame.names.length > 0) percentiles.observe(key, frame.names, frame.values);
      o.book?.(book);
      return { scored, alerts, commands };
    };

    const frames = source.pipe(
      emitEach((scored: ScoredFrame, emit: (d: Decision) => void) => {
        let driver: DetectorScore | undefined;
        for (const s of scored.scores) if (!driver || s.score > driver.score) driver = s;
        const { subject } = scored.frame;
        let sc = scopes.get(subject.key);
        if (!sc)
          scopes.set(
            subject.key,
            (sc =
              subject.keyKind === 'asset-pair'
                ? { scope: scopeOf(subject), legs: legScopesOf(subject) }
                : { scope: scopeOf(subject) }),
          );
        const { scope, legs } = sc;
        const supportBreak = supportBreakOf(scored.scores);
        // One object shape for every frame (absent fields undefined, not spread in): this runs per event.
        const input: PolicyInput | undefined = driver && {
          kind: 'signal',
          scope,
          legs,
          eventTime: scored.frame.eventTime,
          eventId: scored.frame.eventId,
          score: driver.score,
          detector: driver.detector,
          supportBreak,
        };
        emit(decide(scored, input, driver));
      }),
    );
    const controls = o.controls;
    if (!controls) return frames;
    // Controls are interleaved as they come; the stage completes when the frames do.
    return new Observable<Decision>((subscriber) => {
      const ctl = controls.subscribe({
        next: (c) => subscriber.next(decide(controlFrame(c, performance.now()), c, undefined)),
        error: (e: unknown) => subscriber.error(e),
      });
      const main = frames.subscribe(subscriber);
      return () => {
        ctl.unsubscribe();
        main.unsubscribe();
      };
    });
  };
}
