import type { UnivariateDetectorFactory } from '../../detectors/univariate.ts';
import { createKnnCad } from '../../detectors/knnCad.ts';
import { createKnnCadRange } from '../../detectors/knnCadRange.ts';
import { createWindowedGaussian } from '../../detectors/windowedGaussian.ts';

/** A univariate streaming detector the `nab` command can run. */
export interface NabDetector {
  readonly name: string;
  readonly summary: string;
  readonly create: UnivariateDetectorFactory;
}

/** Every univariate NAB detector, in the order `nab` runs and reports them. Add one entry per detector. */
export const nabDetectors: readonly NabDetector[] = [
  {
    name: 'windowedGaussian',
    summary: "NAB's baseline: tail probability under a Gaussian fitted to a sliding window",
    create: () => createWindowedGaussian(),
  },
  {
    name: 'knncad',
    summary: 'KNN-CAD: conformal k-nearest-neighbour distances over lagged windows (NAB submission)',
    create: (context) => createKnnCad(context),
  },
  {
    name: 'knnCadRange',
    summary: 'KNN-CAD evidence combined with novelty beyond the running range, on one scale',
    create: (context) => createKnnCadRange(context),
  },
];

/** The registered detector called `name`, or undefined. */
export function findNabDetector(name: string): NabDetector | undefined {
  return nabDetectors.find((d) => d.name === name);
}
