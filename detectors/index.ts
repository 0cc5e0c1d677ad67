import type { DetectorSlot } from '../pipelines/scoreDetectors.ts';
import { burstRule } from './burstRule.ts';
import { normalCdf } from './stats/normalCdf.ts';

export type { Detector, DetectorFactory } from './detector.ts';

/**
 * The detectors the pipeline runs by default. The rule's raw score is in standard deviations;
 * Φ(z − 3) puts 4σ at 0.84, 5σ at 0.98 and 5.3σ at the 0.99 halt threshold.
 */
export function defaultDetectorSlots(): DetectorSlot[] {
  return [
    {
      name: 'burst-rule',
      keyKind: 'venue-symbol',
      perKey: true,
      create: () => burstRule.create({}),
      restore: (json) => burstRule.fromJSON(json),
      calibrate: (raw) => (raw <= 0 ? 0 : normalCdf(raw - 4.7)),
      explainAbove: 0.5,
    },
  ];
}
