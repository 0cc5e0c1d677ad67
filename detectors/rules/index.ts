import type { Feature } from '../../features/feature.ts';
import { accountMessageRate } from '../../features/orderflow/accountMessageRate.ts';
import { fleetingLargeOrders } from '../../features/orderflow/fleetingLargeOrders.ts';
import { venuePremium } from '../../features/crossAsset/venuePremium.ts';
import { layerPulls } from '../../features/orderflow/layerPulls.ts';
import { oneSidedAggression } from '../../features/orderflow/oneSidedAggression.ts';
import { selfTradeCount } from '../../features/orderflow/selfTradeCount.ts';
import { referencePriceMove } from '../../features/reference/referencePriceMove.ts';
import type { DetectorSlot } from '../../pipelines/scoreDetectors.ts';
import { flaggedCounterpartySlot, splitAccumulationSlot, whaleInflowSlot } from './addressRules.ts';
import {
  correlationBreakSlot,
  dislocationSlot,
  layeringSlot,
  oneSidedAggressionSlot,
  quoteStuffingSlot,
  spoofingSlot,
  venuePremiumSlot,
  washTradingSlot,
} from './marketRules.ts';
import { priceShockSlot } from './priceShock.ts';
import { referencePriceShockSlot } from './referencePriceShock.ts';

export { thresholdUnits } from './thresholdUnits.ts';

/**
 * The explicit rules of the scenario suite, one slot each, calibrated in threshold units (1 alert,
 * 2 halt). They read features by name; a feature the pipeline does not compute reads as NaN and
 * the rule stays silent.
 */
export function ruleSlots(): DetectorSlot[] {
  return [
    priceShockSlot,
    spoofingSlot,
    layeringSlot,
    quoteStuffingSlot,
    washTradingSlot,
    oneSidedAggressionSlot,
    dislocationSlot,
    venuePremiumSlot,
    correlationBreakSlot,
    referencePriceShockSlot,
    flaggedCounterpartySlot,
    whaleInflowSlot,
    splitAccumulationSlot,
  ];
}

/**
 * Features the rules read that the catalogue (features/index.ts) does not list yet. `venue_premium`
 * shares one board of venues' prices across keys: call `shared?.reset()` before an isolated run
 * (`withRuleFeatures` does), or take a fresh set from `createRuleFeatures()`.
 */
export function createRuleFeatures(): readonly Feature[] {
  return [
    fleetingLargeOrders,
    layerPulls,
    oneSidedAggression,
    selfTradeCount,
    accountMessageRate,
    referencePriceMove,
    venuePremium(),
  ] as readonly Feature[];
}

/** One process-wide set of the rule features (the replay command's). */
export const ruleFeatures: readonly Feature[] = createRuleFeatures();
