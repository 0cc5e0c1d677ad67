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
 * while their owner traded on the other side (`fleeting_large_orders`; an hour of normal flow
 * reaches 1.0-1.9 on seeds 1-5); 5 halt.
 */
export const spoofingSlot = slot(
  'venue-symbol',
  () => new ThresholdRule('spoofing-rule', ['fleeting_large_orders'], (x) => units(x[0]!, 2.5)),
);

/**
 * Layering: one stack of large orders pulled together (`layer_pulls`, decaying; an hour of normal
 * flow on each of seeds 1-5 has none); two halt.
 */
export const layeringSlot = slot(
  'venue-symbol',
  () => new ThresholdRule('layering-rule', ['layer_pulls'], (x) => units(x[0]!, 0.8)),
);

/**
 * Quote stuffing, by whichever comes first: the key's 1 s message rate at 8 times its one-minute
 * baseline (`quote_stuffing_score`; the real Binance captures reach 6.9, an hour of simulated normal
 * flow 2.3-3.2 on seeds 1-5), or one account sending 200 order messages a second
 * (`account_message_rate`; the busiest market maker of simulated normal flow reaches 62-64, the
 * suite's stuffer about 800). Twice either halts. The account rate sees
 * a stuffer whose burst a busy key's own traffic hides; public feeds carry no accounts, and there
 * the key's rate alone decides.
 */
export const quoteStuffingSlot = slot(
  'venue-symbol',
  () =>
    new ThresholdRule(
      'quote-stuffing-rule',
      ['quote_stuffing_score', 'account_message_rate'],
      (x) => Math.max(...quoteStuffingUnits(x)),
      (x) => quoteStuffingUnits(x).map((u) => Math.max(0, u)),
    ),
);

/** Each measure of the quote-stuffing rule in threshold units (0 while it is missing). */
function quoteStuffingUnits(x: ArrayLike<number>): [number, number] {
  return [units(x[0]!, 8), units(x[1]!, 200)];
}

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
 * quoting the other side (`one_sided_aggression`; normal flow reaches 4-5 in an hour on seeds 1-5,
 * market makers re-pricing across stale quotes excluded as two-sided); twelve halt. Momentum
 * ignition's burst, seen at its first orders rather than when the price has moved.
 */
export const oneSidedAggressionSlot = slot(
  'venue-symbol',
  () => new ThresholdRule('one-sided-aggression-rule', ['one_sided_aggression'], (x) => units(x[0]!, 6)),
);

/**
 * Cross-venue dislocation: one venue's price 45 bps off its basis to another venue's, against the
 * basis's own 5-minute mean (`price_dislocation`; an hour of normal flow reaches 26-28 on seeds
 * 1, 2, 4 and 5, 40 on seed 3); 90 bps halts.
 */
export const dislocationSlot = slot(
  'asset-pair',
  () => new ThresholdRule('dislocation-rule', ['price_dislocation'], (x) => units(Math.abs(x[0]!), 45)),
);

/**
 * One venue away from the others: a venue-symbol's price 45 bps off the median of the same asset
 * on at least two other venues, against its usual premium (`venue_premium`; normal flow stays within
 * 32, the largest after a market-wide jump that one venue follows late); 90 bps halts. The
 * pair-keyed dislocation rule says two venues disagree; this one says which venue moved.
 */
export const venuePremiumSlot = slot(
  'venue-symbol',
  () => new ThresholdRule('venue-premium-rule', ['venue_premium'], (x) => units(Math.abs(x[0]!), 45)),
);

/**
 * Correlation break: two assets that normally move together turning against each other, read from
 * the 90 s sign test of co-movement (`sign_comovement`): alert at z = -2.5, halt at -5. An hour of
 * normal flow on each of seeds 1-5 never goes below +1.2 and the real Binance captures below +2.9.
 * The test counts steps in which the legs moved the same way against opposite ways, blind to move
 * sizes, so a few large moves cannot swing it and a quiet market reads as little evidence. Pearson
 * correlations were measured and left out: the 5-minute one (`correlation_5m`) dips to -0.11 in
 * normal flow on a cross-venue pair (microstructure noise at 500 ms), while the breaks of the
 * suite still read -0.01 to +0.13 when the sign test alerts; the 1-minute one and its z-score
 * (`correlation_break`) swing wider still.
 */
export const correlationBreakSlot = slot(
  'asset-pair',
  () => new ThresholdRule('correlation-break-rule', ['sign_comovement'], (x) => units(-x[0]!, 2.5)),
);
