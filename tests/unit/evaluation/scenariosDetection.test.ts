import { describe, expect, it } from 'vitest';
import { thresholdUnits } from '../../../detectors/rules/thresholdUnits.ts';
import { scoreNormalFlow, scoreScenario } from '../../../evaluation/scenarios/detection.ts';
import { median } from '../../../evaluation/scenarios/evaluateSuite.ts';
import { featuresThatMoved } from '../../../evaluation/scenarios/htmlReport.ts';
import type { Alert } from '../../../schemas/alert.ts';
import type { Command } from '../../../schemas/command.ts';

const truth = {
  scenario: 's',
  keys: ['vs:a:X', 'pair:a:X|b:X'],
  start: 10_000,
  end: 20_000,
  description: 'd',
};
const alert = (key: string, t: number, detector = 'r'): Alert =>
  ({
    alertId: `a${t}`,
    key,
    keyKind: 'venue-symbol',
    eventTime: t,
    detector,
    score: 0.95,
    severity: 'warning',
  }) as unknown as Alert;
const command = (key: string, t: number, action: string): Command =>
  ({
    commandId: `c${t}`,
    action,
    scope: { level: 'venue-symbol', key },
    eventTime: t,
    evidence: { detector: 'r', score: 0.99 },
  }) as unknown as Command;

describe('evaluation scenarios - detection', () => {
  it('the first alert or command on a ground-truth key inside the window detects; its delay counts from the start', () => {
    const o = scoreScenario(
      truth,
      [alert('vs:b:X', 11_000), alert('vs:a:X', 9_000), alert('pair:a:X|b:X', 12_500)],
      [
        command('vs:a:X', 13_000, 'HALT'),
        command('vs:a:X', 30_000, 'RESUME'),
        command('heartbeat:p', 10_500, 'HEARTBEAT'),
      ],
    );
    expect(o.detected).toBe(true);
    expect(o.detectionDelayMs).toBe(2_500);
    expect(o.detectedBy).toMatchObject({ kind: 'alert', key: 'pair:a:X|b:X' });
    expect(o.commands.map((c) => [c.action, c.afterStartMs])).toEqual([['HALT', 3_000]]);
    expect(o.offTargetAlerts).toBe(1);
  });

  it('nothing on the keys inside the window is a miss', () => {
    const o = scoreScenario(truth, [alert('vs:a:X', 25_000)], [command('vs:b:X', 12_000, 'HALT')]);
    expect(o).toMatchObject({ detected: false, detectionDelayMs: null, detectedBy: null, offTargetHalts: 1 });
  });

  it('normal flow: alerts and halts after the warm-up, per hour', () => {
    const n = scoreNormalFlow(
      0,
      3_900_000,
      300_000,
      [alert('vs:a:X', 100_000), alert('vs:a:X', 400_000), alert('vs:a:Y', 500_000, 'q')],
      [command('vs:a:X', 400_000, 'HALT'), command('vs:a:X', 500_000, 'RESUME')],
    );
    expect(n).toMatchObject({
      hours: 1,
      falseAlertsPerHour: 2,
      falseHaltsPerHour: 1,
      falseCommandsPerHour: 1,
    });
    expect(n.alertsByDetector).toEqual({ r: 1, q: 1 });
  });

  it('median of delays; threshold units put 1 at the alert level and 2 at the halt level', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1])).toBe(2.5);
    expect(median([])).toBeNull();
    expect(thresholdUnits(1)).toBeCloseTo(0.9, 12);
    expect(thresholdUnits(2)).toBeCloseTo(0.99, 12);
    expect(thresholdUnits(0)).toBe(0);
    expect(thresholdUnits(Number.NaN)).toBe(0);
  });

  it('features that moved: the largest departures from their pre-window spread come first', () => {
    const points = Array.from({ length: 40 }, (_, i) => ({
      t: i * 1000,
      mid: 1,
      values: Float64Array.of(i % 2, i >= 30 ? 50 : i % 3, 1),
      scores: new Float64Array(0),
    }));
    const moved = featuresThatMoved(
      { key: 'k', names: ['a', 'b', 'c'], detectors: [], points },
      30_000,
      39_000,
    );
    expect(moved[0]).toBe(1);
    expect(moved).not.toContain(2);
  });
});
