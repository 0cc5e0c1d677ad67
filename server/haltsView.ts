import type { Restriction } from '../engine/referenceEngine.ts';

/** The restrictions in force (halts, reduce-only, throttles), as the desk shows them. */
export interface HaltsView {
  active(): readonly Restriction[] | Promise<readonly Restriction[]>;
  /** The latest policy sequence of a scope, so manual commands can carry it (see manualCommand). */
  sequenceOf?(scopeKey: string): number | undefined;
}
