import { decayingRatioFeature } from './decayingCount.ts';

/** New orders per trade over a decaying window; 1 trade of pseudo-count keeps it finite. */
export const orderToTrade = decayingRatioFeature({
  name: 'order_to_trade',
  unit: 'ratio',
  description: 'New order submissions per public trade.',
  formula: '(decaying new orders) / (decaying trades + 1)',
  reveals: 'quote stuffing, spoofing and layering: much order traffic, little execution',
  inputs: ['order', 'trade'],
  defaults: { halfLifeMs: 10_000, warmupMs: 5_000 },
  numerator: (e) => e.type === 'order' && e.action === 'new',
  denominator: (e) => e.type === 'trade',
});
