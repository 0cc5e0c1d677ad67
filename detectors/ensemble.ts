import { ConfigError, DataError } from '../core/errors.ts';
import type { DetectorSlot } from '../pipelines/scoreDetectors.ts';
import { TailCalibrator, type Calibrator } from './calibration.ts';
import type { SupportBreak } from '../schemas/score.ts';
import type { Detector } from './detector.ts';

/**
 * How calibrated member scores become one. `max` (the default): the ensemble is as alarmed as its
 * most alarmed member. The members watch the same frames, so when one fires the others often fire
 * too; `noisy-or` (1 - Π(1 - w·s)) treats their scores as independent evidence and lets several
 * unremarkable scores add up to a halt (three members at 0.9 give 0.999), which raises false halts
 * and breaks "0.99 means the same everywhere". Under `max` the ensemble crosses a threshold exactly
 * when a member does, so its false-alarm rate is at most the sum of the members', and the member
 * that drove the score is unambiguous, so its attribution is the ensemble's.
 */
export type Combine = 'max' | 'noisy-or';

export interface EnsembleOptions {
  /** Default 'ensemble'. */
  readonly name?: string;
  /** The member slots, all of the same key kind; per-key members get one detector per key, shared ones one in all. */
  readonly members: readonly DetectorSlot[];
  readonly combine?: Combine;
  /** Per member, in 0..1 (default 1): a member's calibrated score is multiplied by its weight. */
  readonly weights?: readonly number[];
  /** Default: the smallest of the members'. */
  readonly explainAbove?: number;
}

interface Member {
  readonly slot: DetectorSlot;
  readonly detector: Detector;
  /** Positions of the member's features in the ensemble's vector. */
  readonly idx: Int32Array;
  readonly x: Float64Array;
  readonly calibrator: Calibrator | undefined;
  readonly weight: number;
  raw: number;
  score: number;
  /** Whether the detector was warm when it scored the last vector. */
  warm: boolean;
}

/** One member's part in the last score. */
export interface MemberScore {
  readonly detector: string;
  readonly raw: number;
  /** Calibrated, before the weight. */
  readonly score: number;
}

/**
 * Several detectors as one (per key): each member scores its own features, its raw score is
 * calibrated (its own per-key calibrator, or its slot's fixed map), and the calibrated scores are
 * combined (see {@link Combine}). The ensemble's raw score is already on the 0..1 scale. `explain`
 * is the attribution of the member that drove the score, placed on the ensemble's features.
 */
export class Ensemble implements Detector {
  readonly features: readonly string[];
  private readonly members: Member[];
  private readonly cached: Float64Array;
  private valid = false;
  private driver = -1;

  constructor(
    readonly name: string,
    members: readonly {
      slot: DetectorSlot;
      detector: Detector;
      calibrator: Calibrator | undefined;
      weight: number;
    }[],
    readonly combine: Combine,
  ) {
    const features: string[] = [];
    for (const m of members) for (const f of m.detector.features) if (!features.includes(f)) features.push(f);
    this.features = features;
    this.members = members.map((m) => ({
      ...m,
      idx: Int32Array.from(m.detector.features, (f) => features.indexOf(f)),
      x: new Float64Array(m.detector.features.length),
      raw: 0,
      score: 0,
      warm: false,
    }));
    this.cached = new Float64Array(features.length);
  }

  private same(x: ArrayLike<number>): boolean {
    if (!this.valid) return false;
    for (let i = 0; i < this.cached.length; i++) if (!Object.is(this.cached[i], x[i])) return false;
    return true;
  }

  score(x: ArrayLike<number>): number {
    let best = 0;
    let none = 1;
    this.driver = -1;
    for (let k = 0; k < this.members.length; k++) {
      const m = this.members[k]!;
      for (let i = 0; i < m.idx.length; i++) m.x[i] = x[m.idx[i]!]!;
      m.raw = m.detector.score(m.x);
      m.warm = m.detector.warm !== false;
      const s = !m.calibrator ? m.slot.calibrate(m.raw) : m.warm ? m.calibrator.score(m.raw) : 0;
      m.score = Number.isFinite(s) ? Math.min(1, Math.max(0, s)) : 0;
      const w = m.weight * m.score;
      if (w > best || this.driver < 0) {
        best = Math.max(best, w);
        this.driver = k;
      }
      none *= 1 - w;
    }
    for (let i = 0; i < this.cached.length; i++) this.cached[i] = x[i]!;
    this.valid = true;
    return this.combine === 'max' ? best : 1 - none;
  }

  learn(x: ArrayLike<number>): void {
    if (!this.same(x)) this.score(x);
    for (const m of this.members) {
      m.detector.learn(m.x);
      // A warming detector's 0 is no evidence: its calibrator must not learn it.
      if (m.warm) m.calibrator?.learn(m.raw);
    }
    this.valid = false;
  }

  explain(x: ArrayLike<number>): Float64Array {
    if (!this.same(x)) this.score(x);
    const out = new Float64Array(this.features.length);
    const m = this.members[this.driver];
    if (!m || m.score <= 0) return out;
    const c = m.detector.explain(m.x);
    for (let i = 0; i < m.idx.length; i++) out[m.idx[i]!] = c[i]!;
    return out;
  }

  /**
   * Hands the key's price to the per-key members that watch it (the LSTM's support level); a shared
   * member sees every key, so one key's price would be another's level.
   */
  observePrice(eventTime: number, price: number): void {
    for (const m of this.members) if (m.slot.perKey) m.detector.observePrice?.(eventTime, price);
  }

  /** The first member's support-break estimate (members in slot order); undefined when none makes one. */
  supportBreakEstimate(): SupportBreak | undefined {
    for (const m of this.members) {
      if (!m.slot.perKey) continue;
      const e = m.detector.supportBreakEstimate?.();
      if (e) return e;
    }
    return undefined;
  }

  /** The members' raw and calibrated scores of the last vector scored, and which one drove it. */
  breakdown(): { driver: string | undefined; members: MemberScore[] } {
    return {
      driver: this.members[this.driver]?.slot.name,
      members: this.members.map((m) => ({ detector: m.slot.name, raw: m.raw, score: m.score })),
    };
  }

  toJSON(): unknown {
    return {
      kind: 'ensemble',
      name: this.name,
      combine: this.combine,
      members: this.members.map((m) => ({
        name: m.slot.name,
        // A shared member's state is not this key's to save.
        detector: m.slot.perKey ? m.detector.toJSON() : null,
        calibrator: m.calibrator ? m.calibrator.toJSON() : null,
      })),
    };
  }
}

/** A slot that can also rebuild its detectors and calibrators from their `toJSON()` (checkpoints). */
export type RestorableSlot = DetectorSlot & {
  restore?(json: unknown): Detector;
  restoreCalibrator?(json: unknown): Calibrator;
};

/**
 * The members as one pipeline slot (one Ensemble per key). Call once per pipeline: shared members
 * are created once per call. `restore` rebuilds a key's ensemble from its snapshot with each
 * member slot's own `restore` (a member without one starts afresh) and `restoreCalibrator`
 * (default: a TailCalibrator snapshot).
 */
export function ensembleSlot(o: EnsembleOptions): DetectorSlot & { restore(json: unknown): Ensemble } {
  if (o.members.length === 0) throw new ConfigError('ensemble: give at least one member slot');
  const members = o.members as readonly RestorableSlot[];
  const keyKind = members[0]!.keyKind;
  const stray = members.find((m) => m.keyKind !== keyKind);
  if (stray)
    throw new ConfigError(
      `ensemble: member '${stray.name}' scores ${stray.keyKind} keys, the others ${keyKind}`,
    );
  const weights = o.weights ?? members.map(() => 1);
  if (weights.length !== members.length || weights.some((w) => !(w >= 0 && w <= 1)))
    throw new ConfigError('ensemble: weights need one value in 0..1 per member');
  const combine = o.combine ?? 'max';
  const name = o.name ?? 'ensemble';
  const shared = new Map<string, Detector>();
  const detectorOf = (slot: DetectorSlot): Detector => {
    if (slot.perKey) return slot.create();
    let d = shared.get(slot.name);
    if (!d) shared.set(slot.name, (d = slot.create()));
    return d;
  };
  const build = (detectors: Detector[], calibrators: (Calibrator | undefined)[]) =>
    new Ensemble(
      name,
      members.map((slot, i) => ({
        slot,
        detector: detectors[i]!,
        calibrator: calibrators[i],
        weight: weights[i]!,
      })),
      combine,
    );
  return {
    name,
    keyKind,
    perKey: true,
    create: () =>
      build(
        members.map(detectorOf),
        members.map((s) => s.createCalibrator?.()),
      ),
    // The ensemble's raw score is already calibrated.
    calibrate: (raw) => raw,
    explainAbove: o.explainAbove ?? Math.min(...members.map((m) => m.explainAbove)),
    restore(json) {
      const j = json as { members: { name: string; detector: unknown; calibrator: unknown }[] };
      if (j.members.length !== members.length || j.members.some((m, i) => m.name !== members[i]!.name))
        throw new DataError(
          `ensemble checkpoint has members ${j.members.map((m) => m.name).join(', ')}; this ensemble has ${members.map((m) => m.name).join(', ')}`,
        );
      return build(
        members.map((slot, i) =>
          slot.perKey && slot.restore ? slot.restore(j.members[i]!.detector) : detectorOf(slot),
        ),
        members.map((slot, i) => {
          const c = j.members[i]!.calibrator;
          if (c === null || !slot.createCalibrator) return slot.createCalibrator?.();
          return slot.restoreCalibrator ? slot.restoreCalibrator(c) : TailCalibrator.fromJSON(c);
        }),
      );
    },
  };
}
