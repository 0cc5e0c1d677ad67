import type { CorpusSweep } from './corpusSweep.ts';
import type { CostMatrix } from './profiles.ts';

/** Raw score of NAB's null detector (never fires): every scorable window is a miss. */
export function nullScore(sweep: CorpusSweep, cost: CostMatrix): number {
  return -cost.fnWeight * sweep.scorableWindows;
}

/** Raw score of NAB's perfect detector: every labelled window detected at its left edge. */
export function perfectScore(sweep: CorpusSweep, cost: CostMatrix): number {
  return cost.tpWeight * sweep.labelledWindows;
}

/** NAB's normalisation: the null detector scores 0 and the perfect one 100. */
export function normalizeScore(raw: number, sweep: CorpusSweep, cost: CostMatrix): number {
  const base = nullScore(sweep, cost);
  const span = perfectScore(sweep, cost) - base;
  return span === 0 ? 0 : (100 * (raw - base)) / span;
}
