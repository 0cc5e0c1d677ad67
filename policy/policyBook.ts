import type { Severity } from '../schemas/alert.ts';
import type { Action, Scope } from '../schemas/command.ts';
import type { EscalationRule, PolicyConfig } from '../schemas/config.ts';
import type { SupportBreak } from '../schemas/score.ts';
import { freezePin, freezes, type AddressFlag } from './addressFreeze.ts';
import {
  actionForLevel,
  initialScopeState,
  thresholdOf,
  transition,
  type Level,
  type ScopeState,
} from './circuitBreaker.ts';
import {
  escalationDemand,
  holdEscalation,
  type Escalated,
  type EscalationChild,
  type Restricted,
} from './escalation.ts';
import { pinOf, type ManualOverride, type Pin } from './manualOverride.ts';
import { addressScope, parentScope } from './scopes.ts';
import {
  deriskAlertDue,
  deriskFraction,
  deriskTransition,
  initialDerisk,
  type DeriskStage,
  type DeriskState,
} from './supportBreak.ts';

/** Everything the policy remembers of one scope. Plain data: checkpointable and comparable. */
export interface ScopeRecord {
  readonly scope: Scope;
  /** The score-driven circuit breaker (policy/circuitBreaker.ts); its level is what scores call for. */
  readonly auto: ScopeState;
  /**
   * A venue-symbol that is a leg of asset pairs: the score-driven breaker of each pair (by pair key)
   * on the pair's frames, its level what the pair's scores call for on this leg. Absent means none.
   */
  readonly pairs?: Readonly<Record<string, ScopeState>>;
  /** What the scope's restricted children call for (policy/escalation.ts). */
  readonly escalated: Escalated | null;
  /** Graded de-risking on the support-break estimate (policy/supportBreak.ts); absent means none yet. */
  readonly derisk?: DeriskState;
  /** A person's override or an address freeze: holds its level whatever scores and children say. */
  readonly pin: Pin | null;
  /** After a manual resume, automatic actions wait until this event time. */
  readonly graceUntil: number | null;
  /** The level last commanded to the engine, since when, and the scope's command count. */
  readonly commanded: Level;
  readonly commandedSince: number;
  readonly sequence: number;
  /**
   * While commanded REDUCE_ONLY: the share of exposure commanded cut in all since the scope entered
   * it (the last command's magnitude); absent is `reduceFraction`, as every REDUCE_ONLY had before.
   */
  readonly commandedMagnitude?: number;
}

/** What the policy is told. */
export type PolicyInput =
  | {
      readonly kind: 'signal';
      /** The frame's scope; for an asset pair's frame the pair itself, never commanded (`legs` are). */
      readonly scope: Scope;
      /**
       * An asset pair's frame: the venue-symbol scopes of its legs, each restricted through its own
       * record's breaker of the pair (`ScopeRecord.pairs`, keyed by `scope.key`). Empty: a pair
       * without legs, which restricts nothing.
       */
      readonly legs?: readonly Scope[];
      readonly eventTime: number;
      readonly eventId: string;
      /** The driving (highest) calibrated score of the frame and its detector. */
      readonly score: number;
      readonly detector: string;
      /** The frame's support-break estimate, when a detector makes one (the LSTM). */
      readonly supportBreak?: SupportBreak;
    }
  | { readonly kind: 'override'; readonly override: ManualOverride }
  | { readonly kind: 'flag'; readonly flag: AddressFlag }
  /** Lets time-based releases (escalations) happen when no signal comes; event time. */
  | { readonly kind: 'tick'; readonly time: number };

/** Why a command is issued: the numbers the rationale and the evidence are made of. */
export type Cause =
  | {
      readonly kind: 'score';
      readonly detector: string;
      readonly score: number;
      readonly threshold: number;
      readonly aboveForMs: number;
      /** The asset pair whose frame drove it (the scope is one of its legs). */
      readonly pair?: string;
    }
  | {
      readonly kind: 'calm';
      readonly threshold: number;
      readonly calmForMs: number;
      readonly heldForMs: number;
      /** The asset pair whose scores calmed (the scope is one of its legs). */
      readonly pair?: string;
      /**
       * When support-break de-risking was or is in force: its stage after the step (0: it calmed
       * too; 1 or 2: it still holds the scope at REDUCE_ONLY), its exit threshold and how long
       * its estimates have been calm.
       */
      readonly support?: {
        readonly stage: DeriskStage;
        readonly exitBelow: number;
        readonly calmForMs: number;
      };
    }
  | {
      /** A support-break estimate called for a (deeper) cut: stage 1 probability, stage 2 a broken level. */
      readonly kind: 'support-break';
      readonly stage: 1 | 2;
      readonly estimate: SupportBreak;
      /** The probability threshold of stage 1. */
      readonly threshold: number;
      /** Share of exposure cut in all after this command, and before it (0 when not yet reduce-only). */
      readonly fraction: number;
      readonly previousFraction: number;
    }
  | {
      readonly kind: 'escalation';
      readonly rule: EscalationRule;
      readonly children: readonly EscalationChild[];
    }
  | { readonly kind: 'escalation-released'; readonly rule: EscalationRule; readonly heldForMs: number }
  | { readonly kind: 'manual'; readonly user: string; readonly why: string; readonly requestId: string }
  | { readonly kind: 'freeze'; readonly category: string; readonly source: string; readonly eventId: string };

/** A command the policy decided to issue; pipelines/applyPolicy.ts turns it into a protocol Command. */
export interface Intent {
  readonly scope: Scope;
  readonly action: Action;
  readonly sequence: number;
  readonly from: Level;
  readonly to: Level;
  /** Event time of the decision. */
  readonly time: number;
  readonly cause: Cause;
  /** REDUCE_ONLY: the share of exposure to have cut in all since the scope entered it (cumulative). */
  readonly magnitude?: number;
}

/** A rise of a scope's support-break de-risking announced on the alert feed, with its estimate. */
export interface SupportAlert {
  readonly severity: Severity;
  readonly stage: 1 | 2;
  readonly estimate: SupportBreak;
  /** The probability threshold of stage 1 (`supportBreak.probabilityAt`). */
  readonly threshold: number;
}

export interface Step {
  readonly intents: readonly Intent[];
  /** Severity of an alert on the signal's scope, if one is due. */
  readonly alert: Severity | null;
  /**
   * A support-break alert on the signal's scope, if one is due: every rise of the de-risking stage
   * (the SUPPORT_AT_RISK and SUPPORT_BROKEN commands among them), de-duplicated like score alerts.
   */
  readonly supportAlert?: SupportAlert;
}

const NO_STEP: Step = { intents: [], alert: null };
const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

/** A pair's breaker on a leg after a manual resume of the leg: afresh, its alert memory kept. */
const resetPairs = (pairs: Readonly<Record<string, ScopeState>>): Record<string, ScopeState> => {
  const out: Record<string, ScopeState> = {};
  for (const [k, st] of Object.entries(pairs))
    out[k] = { ...initialScopeState, lastAlert: st.lastAlert, sequence: st.sequence };
  return out;
};

/** The record with the breaker a frame moved (its own, or its breaker of `pair`) set to `state`. */
const withBreaker = (rec: ScopeRecord, pair: string | undefined, state: ScopeState): ScopeRecord =>
  pair === undefined ? { ...rec, auto: state } : { ...rec, pairs: { ...rec.pairs, [pair]: state } };

/** The strictest level the asset pairs of a record call for (0 when it is a leg of none). */
function pairsLevel(r: ScopeRecord): Level {
  let l: Level = 0;
  if (r.pairs) for (const k in r.pairs) if (r.pairs[k]!.level > l) l = r.pairs[k]!.level;
  return l;
}

const fresh = (scope: Scope): ScopeRecord => ({
  scope,
  auto: initialScopeState,
  escalated: null,
  pin: null,
  graceUntil: null,
  commanded: 0,
  commandedSince: 0,
  sequence: 0,
});

/**
 * The circuit breaker across scopes: one record per scope, combined as
 * `pin ?? max(score-driven level, levels of the asset pairs it is a leg of, escalated level,
 * de-risking)`. An asset pair's frame drives each of its legs through the leg's own breaker of
 * that pair, so a leg restricted by its own frames and by a pair holds the stricter level and
 * resumes only once both calmed. Each input changes one scope (a pair's: its legs), then the
 * parents its restriction counts for (venue-symbol → venue and symbol → global), then any
 * escalation whose timers ran out. A command is issued whenever a scope's combined level differs
 * from the one last commanded, so a level is never commanded twice in a row (de-duplication), and
 * every command gets the scope's next sequence number. Deterministic: the same inputs in the same
 * order give the same intents.
 */
export class PolicyBook {
  private readonly records = new Map<string, ScopeRecord>();
  /** Keys of scopes commanded above NORMAL: the children escalation counts. */
  private readonly restricted = new Set<string>();
  /** Keys of scopes holding an escalation: re-checked on every input for time-based release. */
  private readonly escalatedKeys = new Set<string>();
  /** Keys of scopes in the grace after a manual resume. */
  private readonly graceKeys = new Set<string>();
  private readonly seenRequests = new Set<string>();
  /** Scope levels some escalation rule leads to. */
  private readonly isParent: ReadonlySet<string>;
  private readonly parentLevels: ReadonlyMap<string, readonly EscalationRule['to'][]>;
  private watermark = 0;
  /** Reused per step: most inputs issue nothing, and the hot path should not allocate for them. */
  private readonly scratch: Intent[] = [];
  /** The support-break alert of the current step, set by onSignal. */
  private supportAlert: SupportAlert | null = null;

  constructor(readonly params: PolicyConfig) {
    const parents = new Map<string, EscalationRule['to'][]>();
    for (const r of params.escalation ?? []) {
      const list = parents.get(r.from) ?? [];
      if (!list.includes(r.to)) list.push(r.to);
      parents.set(r.from, list);
    }
    this.parentLevels = parents;
    this.isParent = new Set((params.escalation ?? []).map((r) => r.to));
  }

  /** The record of a scope key, if the policy has seen it. */
  get(key: string): ScopeRecord | undefined {
    return this.records.get(key);
  }

  /** Every scope record, in first-seen order. Read-only views: the book updates them in place. */
  all(): ScopeRecord[] {
    return [...this.records.values()];
  }

  /** The policy's event-time clock: the latest time it was told. */
  get now(): number {
    return this.watermark;
  }

  step(input: PolicyInput): Step {
    const t =
      input.kind === 'signal'
        ? input.eventTime
        : input.kind === 'override'
          ? input.override.time
          : input.kind === 'flag'
            ? input.flag.eventTime
            : input.time;
    if (t > this.watermark) this.watermark = t;
    const intents = this.scratch;
    intents.length = 0;
    let alert: Severity | null = null;
    this.supportAlert = null;
    switch (input.kind) {
      case 'signal':
        alert = this.onSignal(input, intents);
        break;
      case 'override':
        if (this.seenRequests.has(input.override.requestId)) return NO_STEP;
        this.remember(input.override.requestId);
        this.onOverride(input.override, intents);
        break;
      case 'flag':
        this.onFlag(input.flag, intents);
        break;
      case 'tick':
        break;
    }
    this.releaseExpired(intents);
    const supportAlert = this.supportAlert;
    if (intents.length === 0 && alert === null && supportAlert === null) return NO_STEP;
    return {
      intents: intents.length === 0 ? [] : [...intents],
      alert,
      ...(supportAlert ? { supportAlert } : {}),
    };
  }

  private onSignal(s: Extract<PolicyInput, { kind: 'signal' }>, out: Intent[]): Severity | null {
    if (!s.legs) return this.signalScope(s.scope, undefined, s, out);
    // Both legs see every frame of the pair, so their breakers of it (and alert memories) agree.
    let alert: Severity | null = null;
    for (const leg of s.legs) {
      const a = this.signalScope(leg, s.scope.key, s, out);
      if (a !== null && (alert === null || SEVERITY_RANK[a] > SEVERITY_RANK[alert])) alert = a;
    }
    return alert;
  }

  /**
   * One scope's step on a scored frame: its own (`pair` undefined) or, for a leg, an asset pair's,
   * which moves the leg's breaker of that pair instead of its own.
   */
  private signalScope(
    scope: Scope,
    pair: string | undefined,
    s: Extract<PolicyInput, { kind: 'signal' }>,
    out: Intent[],
  ): Severity | null {
    const p = this.params;
    const r = this.records.get(scope.key) ?? fresh(scope);
    const prev = pair === undefined ? r.auto : (r.pairs?.[pair] ?? initialScopeState);
    const tr = transition(prev, s, p);
    let auto = tr.state;
    const prevDerisk = r.derisk ?? initialDerisk;
    // The support-break estimate is a venue-symbol frame's; a pair's frame leaves de-risking as it is.
    let derisk =
      pair === undefined ? deriskTransition(prevDerisk, s.supportBreak, s.eventTime, p) : prevDerisk;
    // Hot path, nearly every frame: nothing but the breaker's memory changes.
    if (
      auto.level === prev.level &&
      derisk.stage === prevDerisk.stage &&
      r.graceUntil === null &&
      r.pin === null &&
      !p.freezeRules?.length
    ) {
      if (this.records.get(r.scope.key) === r) {
        // A pair's breakers get a new object: a checkpoint may still hold the old one.
        if (pair === undefined) (r as { auto: ScopeState }).auto = auto;
        else (r as { pairs?: ScopeRecord['pairs'] }).pairs = { ...r.pairs, [pair]: auto };
        if (derisk !== prevDerisk) (r as { derisk?: DeriskState }).derisk = derisk;
      } else
        this.put(
          derisk !== prevDerisk ? { ...withBreaker(r, pair, auto), derisk } : withBreaker(r, pair, auto),
        );
      return tr.alert;
    }
    // Every rise of the de-risking is announced (its command's reason must reach the alert feed),
    // as score alerts are, de-duplicated within alertIntervalMs unless the stage rises.
    if (
      derisk.stage > prevDerisk.stage &&
      s.supportBreak &&
      deriskAlertDue(prevDerisk, derisk.stage, s.eventTime, p)
    ) {
      this.supportAlert = {
        severity: 'warning',
        stage: derisk.stage as 1 | 2,
        estimate: s.supportBreak,
        threshold: p.supportBreak.probabilityAt,
      };
      derisk = { ...derisk, alerted: [s.eventTime, derisk.stage] };
    }
    const inGrace = r.graceUntil !== null && s.eventTime < r.graceUntil;
    // During the grace after a manual resume the breaker watches and alerts but does not act.
    if (inGrace && auto.level > prev.level) auto = { ...auto, level: prev.level, since: prev.since };
    if (inGrace && derisk.stage > prevDerisk.stage)
      derisk =
        derisk.alerted === prevDerisk.alerted ? prevDerisk : { ...prevDerisk, alerted: derisk.alerted };
    let next: ScopeRecord =
      derisk !== prevDerisk ? { ...withBreaker(r, pair, auto), derisk } : withBreaker(r, pair, auto);
    if (!inGrace && r.graceUntil !== null) next = { ...next, graceUntil: null };
    const frozen =
      pair === undefined &&
      s.scope.level === 'address' &&
      s.score >= p.haltAt &&
      (p.freezeRules ?? []).includes(s.detector) &&
      next.pin === null &&
      !inGrace;
    if (frozen)
      next = {
        ...next,
        pin: freezePin({
          address: s.scope.address ?? s.scope.key,
          category: `rule:${s.detector}`,
          source: s.detector,
          eventId: s.eventId,
          eventTime: s.eventTime,
        }),
      };
    this.put(next);
    this.settle(
      next,
      s.eventTime,
      out,
      (from, to) => {
        if (frozen)
          return { kind: 'freeze', category: `rule:${s.detector}`, source: s.detector, eventId: s.eventId };
        // Up a level, or (at REDUCE_ONLY) a deeper cut: whichever source rose to what is commanded.
        if (to > from || (to === 2 && from === 2)) {
          const cut = this.cut(next);
          const scoreCalls =
            auto.level > prev.level && auto.level === to && (to !== 2 || p.reduceFraction >= cut);
          const stage = derisk.stage;
          if (!scoreCalls && stage > prevDerisk.stage && stage > 0 && s.supportBreak && to === 2)
            return {
              kind: 'support-break',
              stage: stage as 1 | 2,
              estimate: s.supportBreak,
              threshold: p.supportBreak.probabilityAt,
              fraction: cut,
              previousFraction: from === 2 ? (r.commandedMagnitude ?? p.reduceFraction) : 0,
            };
          const above = auto.aboveSince?.[to - 1];
          return {
            kind: 'score',
            detector: s.detector,
            score: s.score,
            threshold: thresholdOf(to, p),
            aboveForMs: above == null ? 0 : s.eventTime - above,
            ...(pair === undefined ? {} : { pair }),
          };
        }
        const derisked = prevDerisk.stage > 0 || derisk.stage > 0;
        return {
          kind: 'calm',
          threshold: p.exitBelow,
          calmForMs: auto.calmSince === null ? 0 : s.eventTime - auto.calmSince,
          heldForMs: s.eventTime - r.commandedSince,
          ...(pair === undefined ? {} : { pair }),
          ...(derisked
            ? {
                support: {
                  stage: derisk.stage,
                  exitBelow: p.supportBreak.exitBelow,
                  calmForMs: derisk.calmSince === null ? 0 : s.eventTime - derisk.calmSince,
                },
              }
            : {}),
        };
      },
      false,
      next.pairs !== undefined && (auto.level !== prev.level || derisk.stage !== prevDerisk.stage),
    );
    return tr.alert;
  }

  private onOverride(o: ManualOverride, out: Intent[]): void {
    const r = this.records.get(o.scope.key) ?? fresh(o.scope);
    const pin = pinOf(o);
    let next: ScopeRecord = { ...r, pin };
    if (!pin) {
      // A manual resume starts the scope afresh and holds automatic actions off for a while.
      next = {
        ...next,
        auto: { ...initialScopeState, lastAlert: r.auto.lastAlert, sequence: r.auto.sequence },
        ...(r.pairs ? { pairs: resetPairs(r.pairs) } : {}),
        ...(r.derisk ? { derisk: initialDerisk } : {}),
        escalated: null,
        graceUntil: o.time + this.params.manualResumeGraceMs,
      };
      this.escalatedKeys.delete(o.scope.key);
    } else next = { ...next, graceUntil: null };
    this.put(next);
    // A person's command is always sent, even when the level does not change: it tells the engine
    // (and the audit trail) that the level is now held by hand.
    this.settle(
      next,
      o.time,
      out,
      () => ({ kind: 'manual', user: o.user, why: o.why, requestId: o.requestId }),
      true,
      r.pairs !== undefined,
    );
  }

  private onFlag(f: AddressFlag, out: Intent[]): void {
    if (!freezes(f, this.params)) return;
    const scope = addressScope(f.address);
    const r = this.records.get(scope.key) ?? fresh(scope);
    if (r.pin !== null || (r.graceUntil !== null && f.eventTime < r.graceUntil)) return;
    const next: ScopeRecord = { ...r, pin: freezePin(f) };
    this.put(next);
    this.settle(next, f.eventTime, out, () => ({
      kind: 'freeze',
      category: f.category,
      source: f.source,
      eventId: f.eventId,
    }));
  }

  /** The combined level of a record. */
  private effective(r: ScopeRecord): Level {
    if (r.pin) return r.pin.level;
    return Math.max(r.auto.level, pairsLevel(r), r.escalated?.level ?? 0, r.derisk?.stage ? 2 : 0) as Level;
  }

  /**
   * The share of exposure a record at REDUCE_ONLY calls to have cut in all: `reduceFraction` for
   * a score, an escalation or a pin, the de-risking stage's fraction for a support break, the larger
   * when both hold (they cut the same exposure, so they do not add up).
   */
  private cut(r: ScopeRecord): number {
    const p = this.params;
    if (r.pin) return p.reduceFraction;
    const scored =
      r.auto.level === 2 || r.escalated?.level === 2 || pairsLevel(r) === 2 ? p.reduceFraction : 0;
    const stage = r.derisk?.stage ?? 0;
    return stage > 0 ? Math.max(scored, deriskFraction(stage, p.supportBreak)) : scored;
  }

  /**
   * Issues a command when the record's combined level changed, then lets its parents react; they
   * react also when a leg's sources moved under an unchanged level (`sourcesMoved`), which changes
   * how many independent restrictions escalation counts.
   */
  private settle(
    r: ScopeRecord,
    now: number,
    out: Intent[],
    cause: (from: Level, to: Level) => Cause,
    always = false,
    sourcesMoved = false,
  ): void {
    const to = this.effective(r);
    const from = r.commanded;
    // At REDUCE_ONLY a deeper cut is a command too (the de-risking's second step); a shallower one
    // is not: the magnitude is cumulative, and exposure already cut stays cut.
    const before = from === 2 ? (r.commandedMagnitude ?? this.params.reduceFraction) : 0;
    const cut = to === 2 ? this.cut(r) : 0;
    const deeper = to === 2 && from === 2 && cut > before + 1e-12;
    if (to === from && !always && !deeper) {
      if (sourcesMoved) this.evaluateParents(r.scope, now, out);
      return;
    }
    const magnitude = to === 2 && from === 2 && !r.pin ? Math.max(cut, before) : cut;
    const next: ScopeRecord = {
      ...r,
      commanded: to,
      commandedSince: to === from ? r.commandedSince : now,
      sequence: r.sequence + 1,
      ...(to === 2 || r.commandedMagnitude !== undefined ? { commandedMagnitude: magnitude } : {}),
    };
    this.put(next);
    out.push({
      scope: r.scope,
      action: actionForLevel(to),
      sequence: next.sequence,
      from,
      to,
      time: now,
      cause: cause(from, to),
      ...(to === 2 ? { magnitude } : {}),
    });
    if (to !== from || sourcesMoved) this.evaluateParents(r.scope, now, out);
  }

  private evaluateParents(scope: Scope, now: number, out: Intent[]): void {
    for (const level of this.parentLevels.get(scope.level) ?? []) {
      const parent = parentScope(scope, level);
      if (parent) this.evaluateParent(parent, now, out);
    }
  }

  private evaluateParent(parent: Scope, now: number, out: Intent[]): void {
    const r = this.records.get(parent.key) ?? fresh(parent);
    const inGrace = r.graceUntil !== null && now < r.graceUntil;
    const demand = inGrace
      ? null
      : escalationDemand(parent, this.params.escalation ?? [], this.restrictedChildren());
    const escalated = inGrace ? r.escalated : holdEscalation(r.escalated, demand, now, this.params);
    if (escalated === r.escalated) return;
    const next: ScopeRecord = { ...r, escalated };
    this.put(next);
    this.settle(next, now, out, (from, to) =>
      to > from && escalated
        ? { kind: 'escalation', rule: escalated.rule, children: escalated.children }
        : {
            kind: 'escalation-released',
            rule: (r.escalated ?? escalated)!.rule,
            heldForMs: now - (r.escalated?.since ?? now),
          },
    );
  }

  /**
   * Time-based changes: escalations whose children calmed down are released once their timers
   * allow, and a parent whose grace after a manual resume ran out looks at its children again.
   */
  private releaseExpired(out: Intent[]): void {
    if (this.graceKeys.size > 0)
      for (const key of [...this.graceKeys]) {
        const r = this.records.get(key)!;
        if (this.watermark < r.graceUntil!) continue;
        this.put({ ...r, graceUntil: null });
        if (this.isParent.has(r.scope.level)) this.evaluateParent(r.scope, this.watermark, out);
      }
    if (this.escalatedKeys.size === 0) return;
    for (const key of [...this.escalatedKeys]) {
      const r = this.records.get(key);
      if (r?.escalated) this.evaluateParent(r.scope, this.watermark, out);
    }
  }

  private *restrictedChildren(): Iterable<Restricted> {
    for (const key of this.restricted) {
      const r = this.records.get(key)!;
      if (!r.pairs || r.pin) {
        yield { scope: r.scope, level: r.commanded };
        continue;
      }
      // A leg of asset pairs: escalation counts one pair restricting both of its legs once.
      const pairs: Record<string, Level> = {};
      for (const k in r.pairs) if (r.pairs[k]!.level > 0) pairs[k] = r.pairs[k]!.level;
      const own = Math.max(r.auto.level, r.escalated?.level ?? 0, r.derisk?.stage ? 2 : 0) as Level;
      yield { scope: r.scope, level: r.commanded, own, pairs };
    }
  }

  private put(r: ScopeRecord): void {
    this.records.set(r.scope.key, r);
    if (r.commanded > 0) this.restricted.add(r.scope.key);
    else this.restricted.delete(r.scope.key);
    if (r.escalated) this.escalatedKeys.add(r.scope.key);
    else this.escalatedKeys.delete(r.scope.key);
    if (r.graceUntil !== null) this.graceKeys.add(r.scope.key);
    else this.graceKeys.delete(r.scope.key);
  }

  private remember(requestId: string): void {
    // Bounded: a retry comes within seconds, not after ten thousand other requests.
    if (this.seenRequests.size >= 10_000) this.seenRequests.delete(this.seenRequests.values().next().value!);
    this.seenRequests.add(requestId);
  }

  /** Plain JSON of every record and the clock, for checkpoints. */
  toJSON(): { watermark: number; records: ScopeRecord[]; requests: string[] } {
    return {
      watermark: this.watermark,
      records: this.all().map((r) => ({ ...r })),
      requests: [...this.seenRequests],
    };
  }

  static fromJSON(json: ReturnType<PolicyBook['toJSON']>, params: PolicyConfig): PolicyBook {
    const b = new PolicyBook(params);
    b.watermark = json.watermark;
    for (const r of json.records) b.put(r);
    for (const id of json.requests) b.seenRequests.add(id);
    return b;
  }
}
