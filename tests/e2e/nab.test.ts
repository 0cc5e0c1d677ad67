import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { shared } from '../support/shared.ts';

interface Scores {
  standard: number;
  reward_low_FP_rate: number;
  reward_low_FN_rate: number;
}

describe('nab - flowguard on the Numenta Anomaly Benchmark', () => {
  it('the best streaming detector beats Random Cut Forest on the same files (published 51.7 on all 58)', async () => {
    const out: string[] = [];
    const log = console.log;
    console.log = (...a: unknown[]) => void out.push(a.join(' '));
    try {
      expect(
        await main([
          'nab',
          '--data',
          shared('nab', 'data'),
          '--labels',
          shared('nab', 'labels', 'combined_windows.json'),
          '--detector',
          'knnCadRange',
          '--json',
        ]),
      ).toBe(0);
    } finally {
      console.log = log;
    }
    const r = JSON.parse(out.join('')) as {
      detectors: Record<string, Scores>;
      reference: Record<string, Scores>;
    };
    const ours = r.detectors['knnCadRange']!;
    const rcf = r.reference['randomCutForest']!;
    for (const p of ['standard', 'reward_low_FP_rate', 'reward_low_FN_rate'] as const)
      expect(ours[p]).toBeGreaterThan(rcf[p]);
    expect(ours.standard).toBeGreaterThan(51.7);
  }, 240_000);
});
