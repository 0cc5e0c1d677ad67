import { decayingRateFeature } from './decayingCount.ts';

/** Order cancellations per second, exponentially decaying in event time. */
export const cancelRate = decayingRateFeature({
  name: 'cancel_rate',
  unit: 'cancels/s',
  description: 'Rate of order cancellations (own-venue order flow).',
  formula: 'decaying count of action=cancel orders / (h / ln 2)',
  reveals: 'spoofing and layering: orders pulled before they can trade; quote stuffing',
  inputs: ['order'],
  defaults: { halfLifeMs: 5_000, warmupMs: 5_000 },
  counts: (e) => e.type === 'order' && e.action === 'cancel',
});
