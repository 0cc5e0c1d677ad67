import type { DetectorSlot } from '../../pipelines/scoreDetectors.ts';
import { ThresholdRule } from './thresholdRule.ts';
import { thresholdUnits, units } from './thresholdUnits.ts';

function slot(make: () => ThresholdRule): DetectorSlot {
  const name = make().name;
  return {
    name,
    keyKind: 'address',
    perKey: false,
    create: make,
    restore: make,
    calibrate: thresholdUnits,
    explainAbove: 0.5,
  };
}

/**
 * Tainted counterparties: list risk of the address or its neighbourhood (`address_risk`: 1 for a
 * sanctioned address itself, discounted per hop) at 0.3 alerts and 0.6 halts; three flagged
 * direct counterparties (`flagged_counterparties`) halt on their own.
 */
export const flaggedCounterpartySlot = slot(
  () =>
    new ThresholdRule(
      'aml-risk-rule',
      ['address_risk', 'flagged_counterparties'],
      (x) => Math.max(units(x[0]!, 0.3), units(x[1]!, 1.5)),
      (x) => [units(x[0]!, 0.3), units(x[1]!, 1.5)],
    ),
);

/**
 * Whale inflow to an exchange: $5 M of whale-sized transfers net into exchange wallets
 * (`whale_exchange_net_flow`, decaying over 6 h; normal whales stay near $1.5 M); $10 M halts.
 */
export const whaleInflowSlot = slot(
  () => new ThresholdRule('whale-inflow-rule', ['whale_exchange_net_flow'], (x) => units(x[0]!, 5_000_000)),
);

/**
 * Split accumulation: half a whale-sized position gathered from transfers under $10k
 * (`split_accumulation`, in whale thresholds) by an address that is itself new and holds it
 * (`new_large_holder`, net inflow since first seen): exchange wallets also collect many small
 * deposits, but pay them out again. A whole whale size halts.
 */
export const splitAccumulationSlot = slot(
  () =>
    new ThresholdRule(
      'split-accumulation-rule',
      ['split_accumulation', 'new_large_holder'],
      (x) => Math.min(units(x[0]!, 0.5), units(x[1]!, 0.5)),
      (x) => [units(x[0]!, 0.5), units(x[1]!, 0.5)],
    ),
);
