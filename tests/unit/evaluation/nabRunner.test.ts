import { describe, expect, it } from 'vitest';
import { readNabCsv } from '../../../evaluation/nab/csvSeries.ts';
import { findNabDetector } from '../../../evaluation/nab/detectors.ts';
import { runSeries } from '../../../evaluation/nab/runDetector.ts';
import { shared } from '../../support/shared.ts';

// Real NAB material from ../shared (beside the clone); a missing folder fails the test, never skips it.
const NAB = shared('nab');
const FILES = ['realKnownCause/nyc_taxi.csv', 'artificialWithAnomaly/art_daily_jumpsup.csv'];

describe('nab runner - windowedGaussian end to end', () => {
  it.each(FILES)('nab runner - reproduces the reference windowedGaussian scores of %s', (file) => {
    const data = readNabCsv(`${NAB}/data/${file}`, 'value');
    const [category, name] = file.split('/');
    const reference = readNabCsv(
      `${NAB}/reference/scores/windowedGaussian/${category}/windowedGaussian_${name}`,
      'anomaly_score',
    );
    const scores = runSeries(findNabDetector('windowedGaussian')!.create, data);
    expect(scores.length).toBe(reference.values.length);
    let worst = 0;
    for (let i = 0; i < scores.length; i++)
      worst = Math.max(worst, Math.abs((scores[i] as number) - (reference.values[i] as number)));
    // The reference was written with 12 significant digits and a 1e-7-accurate erfc stands in for math.erfc.
    expect(worst).toBeLessThan(1e-6);
  });
});
