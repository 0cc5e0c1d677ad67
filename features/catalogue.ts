import type { CrossFeature } from './crossAsset/crossFeature.ts';
import type { Feature, FeatureFamily } from './feature.ts';
import { allFeatures } from './index.ts';

/** One feature as the catalogue describes it: everything but the code. */
export interface CatalogueEntry {
  readonly name: string;
  readonly family: FeatureFamily;
  readonly keyKind: string;
  readonly unit: string;
  readonly description: string;
  readonly formula: string;
  readonly window: string;
  readonly reveals: string;
  readonly inputs: readonly string[];
  /** For cross-asset features: the pair kinds it is computed for. */
  readonly pairKinds?: readonly string[];
  readonly defaults: Readonly<Record<string, unknown>>;
}

export interface Catalogue {
  readonly count: number;
  readonly families: Readonly<Record<FeatureFamily, number>>;
  readonly features: readonly CatalogueEntry[];
}

/** The catalogue generated from the feature definitions themselves. */
export function catalogue(features: readonly (Feature | CrossFeature)[] = allFeatures): Catalogue {
  const entries = features.map((f): CatalogueEntry => ({
    name: f.name,
    family: f.family,
    keyKind: f.keyKind,
    unit: f.unit,
    description: f.description,
    formula: f.formula,
    window: f.window,
    reveals: f.reveals,
    inputs: f.inputs,
    ...('pairKinds' in f ? { pairKinds: f.pairKinds } : {}),
    defaults: { ...f.defaults },
  }));
  const families: Record<FeatureFamily, number> = { 'order-flow': 0, 'cross-asset': 0, 'on-chain': 0 };
  for (const e of entries) families[e.family]++;
  return { count: entries.length, families, features: entries };
}
