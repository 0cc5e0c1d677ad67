import type { DetectorSlot } from '../pipelines/scoreDetectors.ts';
import { burstRule } from './burstRule.ts';
import { TailCalibrator, tailCalibrator } from './calibration.ts';
import { ensembleSlot, type RestorableSlot } from './ensemble.ts';
import { lstmSlot, type LstmSlotOptions } from './lstm/slot.ts';
import { pumpRule, type PumpRuleParams } from './pumpRule.ts';
import { normalCdf } from './stats/normalCdf.ts';
import { StreamingIsolationForest } from './streamingIsolationForest.ts';

export type { Detector, DetectorFactory } from './detector.ts';

/**
 * The pump rule's calibration Φ(z − 3): the smaller of its two z-scores must reach 4.28 for an
 * alert (0.9), 4.64 to throttle (0.95), 5.05 for reduce-only (0.98) and 5.33 to halt (0.99).
 * Chosen on ../shared/pumps (see docs/detectors.md for the measurements at other offsets).
 */
export const PUMP_RULE_OFFSET = 3;

/** The pump rule as a slot: one rule per venue-symbol key, calibrated by Φ(z − PUMP_RULE_OFFSET). */
export function pumpRuleSlot(
  params: Partial<PumpRuleParams> = {},
  offset = PUMP_RULE_OFFSET,
): RestorableSlot {
  return {
    name: 'pump-rule',
    keyKind: 'venue-symbol',
    perKey: true,
    create: () => pumpRule.create(params),
    restore: (json) => pumpRule.fromJSON(json),
    calibrate: (raw) => (raw <= 0 ? 0 : normalCdf(raw - offset)),
    explainAbove: 0.5,
  };
}

/** The burst rule (price move in either direction with a trade burst) as a slot, Φ(z − 4.7). */
export function burstRuleSlot(): RestorableSlot {
  return {
    name: 'burst-rule',
    keyKind: 'venue-symbol',
    perKey: true,
    create: () => burstRule.create({}),
    restore: (json) => burstRule.fromJSON(json),
    calibrate: (raw) => (raw <= 0 ? 0 : normalCdf(raw - 4.7)),
    explainAbove: 0.5,
  };
}

/** Order-flow features of the default isolation forest: scale-free or per key, present on trade-only feeds too. */
export const ISOLATION_FOREST_FEATURES = [
  'trade_intensity',
  'taker_imbalance',
  'mid_return',
  'realized_volatility',
  'vwap_deviation',
  'trade_size_mean',
  'large_trade_share',
  'rush_orders',
  'quoted_spread',
  'book_imbalance_touch',
  'depth_depletion',
] as const;

/**
 * A streaming isolation forest per venue-symbol key (50 trees, refits inline so that replays are
 * deterministic) with a per-key tail calibrator of horizon 10 000, as the LSTM has: forest scores
 * are not comparable across symbols (a thin coin's ordinary frames isolate faster than BTC's).
 */
export function isolationForestSlot(): RestorableSlot {
  return {
    name: 'isolation-forest',
    keyKind: 'venue-symbol',
    perKey: true,
    create: () =>
      new StreamingIsolationForest({
        features: ISOLATION_FOREST_FEATURES,
        trees: 50,
        windowSize: 1024,
        warmUp: 512,
        refitEvery: 1024,
        refit: 'inline',
      }),
    restore: (json) => StreamingIsolationForest.fromJSON(json),
    createCalibrator: tailCalibrator({ horizon: 10_000 }),
    restoreCalibrator: (json) => TailCalibrator.fromJSON(json),
    // Only for a pipeline without per-key calibrators.
    calibrate: (raw) => raw,
    explainAbove: 0.5,
  };
}

/**
 * The full ensemble, opt-in: one Ensemble per venue-symbol key of the pump rule, the streaming
 * isolation forest and the LSTM, each calibrated to 0..1 (the rule by its fixed Φ map, the forest
 * and the LSTM by their key's own score history) and combined by max; the member that drove a
 * score gives its attribution. Not the default: measured, it detected no real pump the rule
 * misses, and the LSTM's calibration let through 26 false halts per simulated hour of normal flow
 * (docs/detectors.md, "Default detectors").
 */
export function ensembleDetectorSlots(o: { lstm?: LstmSlotOptions } = {}): DetectorSlot[] {
  return [ensembleSlot({ members: [pumpRuleSlot(), isolationForestSlot(), lstmSlot(undefined, o.lstm)] })];
}

/**
 * The detectors the pipeline runs by default: the pump rule (a rising price with a trade burst,
 * each against the key's own history), calibrated by Φ(z − PUMP_RULE_OFFSET).
 */
export function defaultDetectorSlots(): DetectorSlot[] {
  return [pumpRuleSlot()];
}
