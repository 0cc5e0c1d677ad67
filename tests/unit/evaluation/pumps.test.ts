import { describe, expect, it } from 'vitest';
import { scoreEpisode, scoreSupportBreak, summarise } from '../../../evaluation/pumps/metrics.ts';
import { evaluatePumps } from '../../../evaluation/pumps/evaluatePumps.ts';
import { shared } from '../../support/shared.ts';

describe('pumps - metrics', () => {
  it('counts a hit within a minute of the start, false alerts outside the quiet window, and 25 s chunks', () => {
    const start = 1_000_000_000;
    const day = 86_400_000;
    const r = scoreEpisode(
      'X',
      start,
      start - day,
      start + day,
      [start - 2 * 3_600_000, start - 61_000, start + 30_000, start + 3_600_000],
      100,
    );
    expect(r.detected).toBe(true);
    expect(r.detectedAfterStart).toBe(true);
    expect(r.delayMs).toBe(30_000);
    expect(r.falseAlerts).toBe(2);
    // Two hours apart: two false-alarm episodes.
    expect(r.falseAlarmEpisodes).toBe(2);
    expect(r.days).toBeCloseTo(2 - 40 / 1440, 6);
    // Chunk 1 (25..50 s) is a true positive; chunks 0 and 2 are missed; the other two alerts are false chunks.
    expect(r.chunks.tp).toBe(1);
    expect(r.chunks.fn).toBe(2);
    expect(r.chunks.fp).toBe(3);
    const s = summarise([r, { ...r, detected: false, detectedAfterStart: false, delayMs: null }]);
    expect(s.recall).toBe(0.5);
    expect(s.recallAfterStart).toBe(0.5);
    expect(s.chunk.precision).toBeCloseTo(2 / 8);
  });

  it('an alert in the minute before the announced start detects the pump, with a negative delay; one earlier does not', () => {
    const start = 1_000_000_000;
    const day = 86_400_000;
    const before = scoreEpisode('X', start, start - day, start + day, [start - 27_000, start + 45_000], 10);
    expect(before.detected).toBe(true);
    expect(before.detectedAfterStart).toBe(true);
    expect(before.delayMs).toBe(-27_000);
    const onlyBefore = scoreEpisode('X', start, start - day, start + day, [start - 27_000], 10);
    expect(onlyBefore.detected).toBe(true);
    expect(onlyBefore.detectedAfterStart).toBe(false);
    const tooEarly = scoreEpisode('X', start, start - day, start + day, [start - 61_000, start + 61_000], 10);
    expect(tooEarly.detected).toBe(false);
    expect(tooEarly.delayMs).toBeNull();
    const s = summarise([before, onlyBefore, tooEarly]);
    expect(s.recall).toBeCloseTo(2 / 3);
    expect(s.recallAfterStart).toBeCloseTo(1 / 3);
  });

  it('groups false alerts less than 30 min apart into one false-alarm episode', () => {
    const start = 1_000_000_000;
    const h = 3_600_000;
    const day = 86_400_000;
    // A 25-minute burst of alerts 10 s apart, a lone alert an hour later, then one 29 min after that.
    const burst = Array.from({ length: 150 }, (_, i) => start - 10 * h + i * 10_000);
    const r = scoreEpisode(
      'X',
      start,
      start - day,
      start + day,
      [...burst, start + 2 * h, start + 2 * h + 29 * 60_000],
      10,
    );
    expect(r.falseAlerts).toBe(152);
    expect(r.falseAlarmEpisodes).toBe(2);
    expect(summarise([r]).falseAlarmEpisodesPerDay).toBeCloseTo(2 / r.days, 12);
  });
});

describe('pumps - support-break commands', () => {
  it('sorts SUPPORT_AT_RISK, SUPPORT_BROKEN and resumes into the ordinary market and the pump (start to 30 min after), the quiet lead-in in neither', () => {
    const start = 1_000_000_000;
    const min = 60_000;
    const c = (t: number, action: string, code: string) => ({ time: start + t, action, code });
    const r = scoreSupportBreak(start, [
      c(-60 * min, 'REDUCE_ONLY', 'SUPPORT_AT_RISK'),
      c(-59 * min, 'REDUCE_ONLY', 'SUPPORT_BROKEN'),
      c(-40 * min, 'RESUME', 'CALM'),
      c(-5 * min, 'REDUCE_ONLY', 'SUPPORT_AT_RISK'),
      c(-4 * min, 'RESUME', 'CALM'),
      c(90_000, 'REDUCE_ONLY', 'SUPPORT_AT_RISK'),
      c(200_000, 'REDUCE_ONLY', 'SUPPORT_BROKEN'),
      c(31 * min, 'RESUME', 'CALM'),
      c(32 * min, 'HALT', 'SCORE_THRESHOLD'),
    ]);
    expect(r).toEqual({
      outside: { atRisk: 1, broken: 1, resumes: 2 },
      pump: { atRisk: 1, broken: 1, resumes: 0 },
      firstAtRiskMs: 90_000,
      firstBrokenMs: 200_000,
    });
  });
});

describe('pumps - real episodes', () => {
  it('the pipeline detects most real pumps within a minute with few false alerts (figures pinned from the last measurement)', async () => {
    const { summary, episodes } = await evaluatePumps(shared('pumps', 'trades'));
    expect(episodes).toHaveLength(20);
    // Four announced pumps show no trading reaction at the announced minute (DLT 2021-01-28,
    // NEBL 2020-11-02, NEBL 2021-04-02, SNM 2021-11-20); the other sixteen are the reachable ones.
    // Measured with the pump rule: 15 of 20 within a minute, 0.90 false alerts/day, median 6.1 s.
    expect(summary.recall).toBeGreaterThanOrEqual(0.75);
    expect(summary.falseAlertsPerDay).toBeLessThanOrEqual(1);
    expect(summary.medianDelayMs!).toBeLessThan(10_000);
  }, 120_000);
});
