import { weightsOf, type LstmWeights } from './cell.ts';
import { fingerprint, loadManifest, type LstmManifest } from './manifest.ts';

/** A loaded model: the manifest plus the arrays inference reads, shared by every key. */
export interface LstmModel {
  readonly manifest: LstmManifest;
  readonly weights: LstmWeights;
  readonly mean: Float64Array;
  readonly invStd: Float64Array;
  readonly invErrorScale: Float64Array;
  readonly fingerprint: string;
}

export function lstmModel(manifest: LstmManifest): LstmModel {
  return {
    manifest,
    weights: weightsOf(manifest),
    mean: Float64Array.from(manifest.normalisation.mean),
    invStd: Float64Array.from(manifest.normalisation.std, (s) => 1 / s),
    invErrorScale: Float64Array.from(manifest.errorScale, (s) => 1 / s),
    fingerprint: fingerprint(manifest),
  };
}

/** Reads, validates and prepares a model file (throws DataError when it is unusable). */
export function loadLstmModel(path: string): LstmModel {
  return lstmModel(loadManifest(path));
}
