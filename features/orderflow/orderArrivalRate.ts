import { decayingRateFeature } from './decayingCount.ts';

/** New orders per second on the venue and symbol, exponentially decaying in event time. */
export const orderArrivalRate = decayingRateFeature({
  name: 'order_arrival_rate',
  unit: 'orders/s',
  description: 'Rate of new order submissions (own-venue order flow).',
  formula: 'decaying count of action=new orders / (h / ln 2)',
  reveals: 'quote stuffing, layering and spoofing bursts',
  inputs: ['order'],
  defaults: { halfLifeMs: 5_000, warmupMs: 5_000 },
  counts: (e) => e.type === 'order' && e.action === 'new',
});
