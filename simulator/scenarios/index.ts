import type { Scenario } from '../scenario.ts';
import { correlationBreak } from './correlationBreak.ts';
import { crossVenueDislocation } from './crossVenueDislocation.ts';
import { fatFinger } from './fatFinger.ts';
import { feedSilence } from './feedSilence.ts';
import { flaggedCounterparty } from './flaggedCounterparty.ts';
import { phishingTransfer, sanctionedTransfer } from './flaggedTransfer.ts';
import { flashCrash } from './flashCrash.ts';
import { layering } from './layering.ts';
import { momentumIgnition } from './momentumIgnition.ts';
import { nftContagion } from './nftContagion.ts';
import { pumpAndDumpScenario } from './pumpAndDump.ts';
import { quoteStuffing } from './quoteStuffing.ts';
import { spoofing } from './spoofing.ts';
import { washTrading } from './washTrading.ts';
import { whaleInflowDump } from './whaleInflowDump.ts';
import { whaleSplitAccumulation } from './whaleSplitAccumulation.ts';

export type { Scenario, GroundTruth } from '../scenario.ts';

/** The labelled scenario suite, in the order `flowguard evaluate` reports it. */
export const scenarios: readonly Scenario[] = [
  spoofing,
  layering,
  quoteStuffing,
  washTrading,
  pumpAndDumpScenario,
  flashCrash,
  momentumIgnition,
  fatFinger,
  whaleSplitAccumulation,
  whaleInflowDump,
  correlationBreak,
  crossVenueDislocation,
  nftContagion,
  sanctionedTransfer,
  phishingTransfer,
  flaggedCounterparty,
  feedSilence,
];

/** A scenario by name. */
export function scenarioNamed(name: string): Scenario | undefined {
  return scenarios.find((s) => s.name === name);
}
