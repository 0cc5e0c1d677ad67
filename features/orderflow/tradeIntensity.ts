import { decayingRateFeature } from './decayingCount.ts';

/** Trades per second, exponentially decaying in event time. */
export const tradeIntensity = decayingRateFeature({
  name: 'trade_intensity',
  unit: 'trades/s',
  description: 'Rate of public trades on the venue and symbol.',
  formula: 'sum_i 0.5^((t - t_i)/h) / (h / ln 2), trades i up to t',
  reveals: 'trade bursts of pumps, momentum ignition and wash trading',
  inputs: ['trade'],
  defaults: { halfLifeMs: 5_000, warmupMs: 5_000 },
  counts: (e) => e.type === 'trade',
});
