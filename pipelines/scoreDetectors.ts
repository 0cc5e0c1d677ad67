import type { OperatorFunction } from 'rxjs';
import type { Calibrator } from '../detectors/calibration.ts';
import type { Detector } from '../detectors/detector.ts';
import type { KeyKind } from '../schemas/feature.ts';
import type { Contribution } from '../schemas/score.ts';
import type { DetectorScore, FeatureFrame, ScoredFrame } from './envelope.ts';
import { emitEach } from './emitEach.ts';

/** A detector as the pipeline runs it: which keys it sees, one model per key or one for all, and its calibration. */
export interface DetectorSlot {
  readonly name: string;
  readonly keyKind: KeyKind;
  /** One model per key (baselines, hidden states) or one shared by every key of the kind. */
  readonly perKey: boolean;
  create(): Detector;
  /** Maps the detector's raw score to 0..1 so that one threshold means the same for every detector. */
  calibrate(raw: number): number;
  /**
   * Optional stateful calibration from each key's own history (one calibrator per key, per
   * subscription); when present it is used instead of `calibrate`.
   */
  createCalibrator?(): Calibrator;
  /** Calibrated score from which contributions are computed (explaining costs time). */
  readonly explainAbove: number;
  /** Rebuilds a model from its `toJSON()` (checkpoint restore); without it a restored key starts afresh. */
  restore?(json: unknown): Detector;
  /** Rebuilds a calibrator from its `toJSON()`. */
  restoreCalibrator?(json: unknown): Calibrator;
}

/** The models and calibrators of a subscription, when the caller owns them (checkpoints). */
export interface DetectorStore {
  /** By `detectorModelId`. */
  readonly models: Map<string, Detector>;
  /** By `${slot.name}|${key}`. */
  readonly calibrators: Map<string, Calibrator>;
}

/** The id a slot's model is kept under: one per key, or one shared by every key of the kind. */
export const detectorModelId = (slot: DetectorSlot, key: string): string =>
  slot.perKey ? `${slot.name}|${key}` : slot.name;

const TOP_FEATURES = 5;

/**
 * Scores every frame with each detector of its key kind, then lets the detector learn from it.
 * A per-key detector that watches the price (the LSTM) gets the frame's mid first, and its
 * support-break estimate travels with its score.
 * `store` lets the caller own models and calibrators (distributed mode checkpoints them).
 */
export function scoreDetectors(
  slots: readonly DetectorSlot[],
  store?: DetectorStore,
): OperatorFunction<FeatureFrame, ScoredFrame> {
  return (source) => {
    const models = store?.models ?? new Map<string, Detector>();
    const calibrators = store?.calibrators ?? new Map<string, Calibrator>();
    // Per (frame names array, detector) the positions of the detector's features in the frame.
    const layouts = new WeakMap<readonly string[], Map<string, Int32Array>>();
    const scratch = new Map<string, Float64Array>();
    const layout = (names: readonly string[], d: Detector): Int32Array => {
      let m = layouts.get(names);
      if (!m) layouts.set(names, (m = new Map()));
      let idx = m.get(d.name);
      if (!idx) m.set(d.name, (idx = Int32Array.from(d.features, (f) => names.indexOf(f))));
      return idx;
    };
    return source.pipe(
      emitEach((frame: FeatureFrame, emit: (s: ScoredFrame) => void) => {
        const scores: DetectorScore[] = [];
        for (const slot of slots) {
          if (slot.keyKind !== frame.subject.keyKind) continue;
          const id = detectorModelId(slot, frame.subject.key);
          let d = models.get(id);
          if (!d) models.set(id, (d = slot.create()));
          const idx = layout(frame.names, d);
          let x = scratch.get(slot.name);
          if (!x || x.length !== idx.length) scratch.set(slot.name, (x = new Float64Array(idx.length)));
          for (let i = 0; i < idx.length; i++) x[i] = idx[i]! >= 0 ? frame.values[idx[i]!]! : Number.NaN;
          let cal: Calibrator | undefined;
          if (slot.createCalibrator) {
            const cid = `${slot.name}|${frame.subject.key}`;
            cal = calibrators.get(cid);
            if (!cal) calibrators.set(cid, (cal = slot.createCalibrator()));
          }
          // The price level first: a support-break estimate is about the price after this event.
          // Only a per-key detector watches one key's price.
          if (slot.perKey && d.observePrice && frame.mid > 0) d.observePrice(frame.eventTime, frame.mid);
          const raw = d.score(x);
          // A warming detector's 0 is no evidence: its calibrator neither scores nor learns it.
          const warm = d.warm !== false;
          const score = Math.min(1, Math.max(0, cal ? (warm ? cal.score(raw) : 0) : slot.calibrate(raw)));
          let contributions: Contribution[] = [];
          if (score >= slot.explainAbove) contributions = topContributions(d, x);
          d.learn(x);
          if (warm) cal?.learn(raw);
          const supportBreak = slot.perKey ? d.supportBreakEstimate?.() : undefined;
          scores.push(
            supportBreak
              ? { detector: slot.name, raw, score, contributions, supportBreak }
              : { detector: slot.name, raw, score, contributions },
          );
        }
        emit({ frame, scores });
      }),
    );
  };
}

function topContributions(d: Detector, x: Float64Array): Contribution[] {
  const c = d.explain(x);
  const order = Array.from(c.keys()).sort((a, b) => c[b]! - c[a]! || a - b);
  // A feature that contributed nothing is no evidence (an ensemble's features outside the member
  // that drove the score all have 0).
  return order
    .filter((i) => c[i]! > 0)
    .slice(0, TOP_FEATURES)
    .map((i) => ({
      feature: d.features[i]!,
      value: Number.isFinite(x[i]!) ? x[i]! : null,
      contribution: Number.isFinite(c[i]!) ? c[i]! : 0,
    }));
}
