import { readFileSync } from 'node:fs';
import { DataError } from '../../core/errors.ts';

/** Weights of one NAB application profile. */
export interface CostMatrix {
  readonly tpWeight: number;
  readonly fpWeight: number;
  readonly fnWeight: number;
}

/** Profile name to cost matrix, in report order. */
export type Profiles = ReadonlyMap<string, CostMatrix>;

/** The three profiles of NAB v1.1 (`config/profiles.json`), used when no file is given. */
export const NAB_PROFILES: Profiles = new Map([
  ['standard', { tpWeight: 1, fpWeight: 0.11, fnWeight: 1 }],
  ['reward_low_FP_rate', { tpWeight: 1, fpWeight: 0.22, fnWeight: 1 }],
  ['reward_low_FN_rate', { tpWeight: 1, fpWeight: 0.11, fnWeight: 2 }],
]);

/** Loads a NAB `profiles.json` (`{ name: { CostMatrix: { tpWeight, fpWeight, fnWeight } } }`). */
export function loadProfiles(path: string): Profiles {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new DataError(`cannot read the NAB profiles file ${path}`, { cause });
  }
  const out = new Map<string, CostMatrix>();
  for (const [name, profile] of Object.entries(
    json as Record<string, { CostMatrix?: Record<string, unknown> }>,
  )) {
    const m = profile?.CostMatrix;
    const weights = [m?.tpWeight, m?.fpWeight, m?.fnWeight];
    if (!weights.every((w) => typeof w === 'number' && Number.isFinite(w))) {
      throw new DataError(
        `${path}: profile '${name}' needs CostMatrix.tpWeight, fpWeight and fnWeight numbers`,
      );
    }
    out.set(name, {
      tpWeight: m?.tpWeight as number,
      fpWeight: m?.fpWeight as number,
      fnWeight: m?.fnWeight as number,
    });
  }
  if (out.size === 0) throw new DataError(`${path}: no profiles`);
  return out;
}
