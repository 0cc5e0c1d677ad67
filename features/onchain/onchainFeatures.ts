import type { Feature } from '../feature.ts';
import { addressRisk } from './addressRisk.ts';
import type { AmlContext } from './amlContext.ts';
import { flaggedHops } from './flaggedHops.ts';
import { flaggedCounterparties } from './flaggedCounterparties.ts';
import { flaggedInflowShare } from './flaggedInflowShare.ts';
import { newLargeHolder } from './newLargeHolder.ts';
import { splitAccumulation } from './splitAccumulation.ts';
import { whaleExchangeFlow } from './whaleExchangeFlow.ts';
import { whaleTransferCount } from './whaleTransferCount.ts';
import { whaleTransferVolume } from './whaleTransferVolume.ts';

/** The address features bound to one shared context (risk book and transfer graph), in catalogue order. */
export function createOnchainFeatures(ctx: AmlContext): readonly Feature[] {
  return [
    addressRisk(ctx),
    flaggedHops(ctx),
    flaggedCounterparties(ctx),
    flaggedInflowShare(ctx),
    whaleExchangeFlow(ctx),
    whaleTransferCount(ctx),
    whaleTransferVolume(ctx),
    splitAccumulation(ctx),
    newLargeHolder(ctx),
  ] as readonly Feature[];
}
