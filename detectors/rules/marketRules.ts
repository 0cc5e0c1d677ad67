import type { DetectorSlot } from '../../pipelines/scoreDetectors.ts';
import { ThresholdRule } from './thresholdRule.ts';
import { thresholdUnits, units } from './thresholdUnits.ts';

/** A stateless rule's slot: one shared instance per key kind. */
function slot(keyKind: DetectorSlot['keyKind'], make: () => ThresholdRule): DetectorSlot {
  const name = make().name;
  return {
    name,
    keyKind,
    perKey: false,
    create: make,
    restore: make,
    calibrate: thresholdUnits,
    explainAbove: 0.5,
  };
}

/**
 * Spoofing: 2.5 (decaying, 30 s half-life) large orders near the touch pulled within seconds
 * while their owner traded on the other side (`fleeting_large_orders`; normal flow reaches 1.9);
 * 5 halt.
 */
export const spoofingSlot = slot(
  'venue-symbol',
  () => new ThresholdRule('spoofing-rule', ['fleeting_large_orders'], (x) => units(x[0]!, 2.5)),
);

/** Layering: one stack of large orders pulled together (`layer_pulls`, decaying); two halt. */
export const layeringSlot = slot(
  'venue-symbol',
  () => new ThresholdRule('layering-rule', ['layer_pulls'], (x) => units(x[0]!, 0.8)),
);

/**
 * Quote stuffing: the 1 s message rate at 8 times its one-minute baseline (`quote_stuffing_score`;
 * normal flow peaks near 4), 16 times halts.
 */
export const quoteStuffingSlot = slot(
  'venue-symbol',
  () => new ThresholdRule('quote-stuffing-rule', ['quote_stuffing_score'], (x) => units(x[0]!, 8)),
);

/**
 * Wash trading: 0.5 % of the minute's volume with one account on both sides, or two self-trades in
 * a minute, whichever is first; 1 % or four halt. Venues prevent self-trades by default, so normal
 * flow has none. The count is there because in a busy minute the first wash prints are well under
 * 0.5 % of the volume (0.13 % on seed 3 of the suite): two deliberate ones are evidence enough.
 */
export const washTradingSlot = slot(
  'venue-symbol',
  () =>
    new ThresholdRule('wash-trade-rule', ['wash_trade_share', 'self_trade_count'], (x) =>
      Math.max(units(x[0]!, 0.005), units(x[1]!, 2)),
    ),
);

/**
 * One-sided aggression: one account sending six aggressive orders on one side within 2 s without
 * quoting the other side (`one_sided_aggression`; normal flow reaches 4 in an hour on seeds 1-5,
 * market makers re-pricing across stale quotes excluded as two-sided); twelve halt. Momentum
 * ignition's burst, seen at its first orders rather than when the price has moved.
 */
export const oneSidedAggressionSlot = slot(
  'venue-symbol',
  () => new ThresholdRule('one-sided-aggression-rule', ['one_sided_aggression'], (x) => units(x[0]!, 6)),
);

/**
 * Cross-venue dislocation: one venue's price 45 bps off its basis to another venue's, against the
 * basis's own 5-minute mean (`price_dislocation`; normal flow stays within 32); 90 bps halts.
 */
export const dislocationSlot = slot(
  'asset-pair',
  () => new ThresholdRule('dislocation-rule', ['price_dislocation'], (x) => units(Math.abs(x[0]!), 45)),
);

/**
 * One venue away from the others: a venue-symbol's price 45 bps off the median of the same asset
 * on at least two other venues, against its usual premium (`venue_premium`; normal flow stays within
 * 31, the largest after a market-wide jump that one venue follows late); 90 bps halts. The
 * pair-keyed dislocation rule says two venues disagree; this one says which venue moved.
 */
export const venuePremiumSlot = slot(
  'venue-symbol',
  () => new ThresholdRule('venue-premium-rule', ['venue_premium'], (x) => units(Math.abs(x[0]!), 45)),
);

/**
 * Correlation break: two assets that normally move together turning against each other. Either
 * of two measures alerts: the 5-minute return correlation (about 0.45, never below 0.03 in hours
 * of normal flow) at -0.1, halting at -0.4 (`correlation_5m`); or the 90 s sign test of
 * co-movement (`sign_comovement`; an hour of normal flow on each of seeds 1-5 never goes below
 * -1.9, and the real Binance captures raise nothing) at z = -2.5, halting at -5. The correlation
 * misses a break in a quiet market, where the decoupled leg's own noise dilutes it to about 0; the
 * sign test, blind to move sizes, still sees the legs step against each other. The 1-minute
 * correlation and its z-score (`correlation_break`) swing too widely in normal flow to tell a
 * break from noise.
 */
export const correlationBreakSlot = slot(
  'asset-pair',
  () =>
    new ThresholdRule(
      'correlation-break-rule',
      ['correlation_5m', 'sign_comovement'],
      (x) => Math.max(...correlationBreakUnits(x)),
      (x) => correlationBreakUnits(x).map((u) => Math.max(0, u)),
    ),
);

/** Each measure of the correlation-break rule in threshold units (0 while it is missing). */
function correlationBreakUnits(x: ArrayLike<number>): [number, number] {
  return [units(0.2 - x[0]!, 0.3), units(-x[1]!, 2.5)];
}
