import { describe, expect, it } from 'vitest';
import { createRng } from '../../../core/rng.ts';
import { nabDetectors } from '../../../evaluation/nab/detectors.ts';

// A daily-shaped series (period 96) with noise, one spike at row 1500 and a level shift at 1800.
function series(n = 2000): { t: number[]; v: number[] } {
  const rng = createRng(7);
  const t: number[] = [];
  const v: number[] = [];
  for (let i = 0; i < n; i++) {
    t.push(Date.UTC(2024, 0, 1) + i * 300_000);
    let x = 10 + 3 * Math.sin((2 * Math.PI * i) / 96) + 0.3 * rng.normal();
    if (i === 1500) x += 12;
    if (i >= 1800) x += 6;
    v.push(x);
  }
  return { t, v };
}

const context = { probationaryLength: 300 };
const run = (create: (typeof nabDetectors)[number]['create'], t: number[], v: number[]): number[] => {
  const d = create(context);
  return v.map((x, i) => d.handle(t[i] as number, x));
};

describe.each(nabDetectors.map((d) => [d.name, d] as const))(
  'nab univariate detector %s',
  (_name, detector) => {
    const { t, v } = series();
    const scores = run(detector.create, t, v);

    it('nab univariate - scores are in [0, 1] and deterministic', () => {
      for (const s of scores) expect(s >= 0 && s <= 1).toBe(true);
      expect(run(detector.create, t, v)).toEqual(scores);
    });

    it('nab univariate - no look-ahead: a prefix of the series gets the same scores', () => {
      expect(run(detector.create, t.slice(0, 1600), v.slice(0, 1600))).toEqual(scores.slice(0, 1600));
    });

    it('nab univariate - the spike and the level shift outscore 99% of the ordinary rows after warm-up', () => {
      const ordinary = scores.slice(context.probationaryLength, 1500).sort((a, b) => a - b);
      const p99 = ordinary[Math.floor(0.99 * ordinary.length)] as number;
      // KNN-CAD may be resting after a chance alarm when the spike comes; the shift must still show.
      expect(Math.max(...scores.slice(1500, 1505), ...scores.slice(1800, 1830))).toBeGreaterThan(p99);
    });
  },
);
