import { decayingRatioFeature } from './decayingCount.ts';

/** Cancels per trade over a decaying window; 1 trade of pseudo-count keeps it finite. */
export const cancelToTrade = decayingRatioFeature({
  name: 'cancel_to_trade',
  unit: 'ratio',
  description: 'Order cancellations per public trade.',
  formula: '(decaying cancels) / (decaying trades + 1)',
  reveals: 'spoofing and layering: many orders placed and pulled, few executed',
  inputs: ['order', 'trade'],
  defaults: { halfLifeMs: 10_000, warmupMs: 5_000 },
  numerator: (e) => e.type === 'order' && e.action === 'cancel',
  denominator: (e) => e.type === 'trade',
});
