import type { Feature } from '../features/feature.ts';
import type { DetectorSlot } from '../pipelines/scoreDetectors.ts';
import type { DetectorsConfig } from '../schemas/config.ts';
import { defaultDetectorSlots, ensembleDetectorSlots } from './index.ts';
import type { LstmSlotOptions } from './lstm/slot.ts';
import { createRuleFeatures, ruleSlots } from './rules/index.ts';

/**
 * The detector slots `detectors` selects, new for each call (one call per pipeline): the pump rule
 * (or, with `ensemble`, the ensemble that holds it), then with `rules` every explicit rule.
 */
export function detectorSlots(
  detectors: DetectorsConfig,
  o: { lstm?: LstmSlotOptions } = {},
): DetectorSlot[] {
  const slots = detectors.ensemble ? ensembleDetectorSlots(o) : defaultDetectorSlots();
  if (detectors.rules) for (const r of ruleSlots()) if (!slots.some((s) => s.name === r.name)) slots.push(r);
  return slots;
}

/**
 * The first-stage features a pipeline running `detectors` computes: `base`, plus with `rules` a
 * fresh set of the features the rules read that `base` lacks. Fresh, because `venue_premium`
 * holds a board of venues' prices shared by the keys of whoever computes it: call once per
 * pipeline (per partition task in the distributed mode), never share the result between two.
 */
export function detectorFeatures(base: readonly Feature[], detectors: DetectorsConfig): readonly Feature[] {
  if (!detectors.rules) return base;
  return [...base, ...createRuleFeatures().filter((r) => !base.some((f) => f.name === r.name))];
}
