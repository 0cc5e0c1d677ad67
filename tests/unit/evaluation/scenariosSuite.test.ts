import { describe, expect, it } from 'vitest';
import { evaluateSuite } from '../../../evaluation/scenarios/evaluateSuite.ts';
import { htmlReport } from '../../../evaluation/scenarios/htmlReport.ts';
import { Config } from '../../../schemas/config.ts';
import { shared } from '../../support/shared.ts';

describe('evaluation scenarios - suite', () => {
  it('runs scenarios inside normal flow through the pipeline, deterministically by seed, with an HTML report', async () => {
    const run = () =>
      evaluateSuite({
        seed: 4,
        amlDir: shared('aml'),
        only: ['wash-trading', 'sanctioned-transfer'],
        warmupMs: 60_000,
        tailMs: 10_000,
        normalMs: 120_000,
        normalWarmupMs: 60_000,
        workers: 1,
        // The explicit rules: the scenario suite is what they are for (off in the default configuration).
        detectors: { rules: true, ensemble: false },
      });
    const a = await run();
    const b = await run();
    expect(JSON.stringify(a.result)).toBe(JSON.stringify(b.result));
    const r = a.result;
    expect(r.scenarios.map((s) => s.name)).toEqual(['wash-trading', 'sanctioned-transfer']);
    for (const s of r.scenarios) {
      expect(s.detected, s.name).toBe(true);
      expect(s.detectionDelayMs).toBeGreaterThanOrEqual(0);
    }
    expect(r.normalFlow.hours).toBe(0.02);
    expect(r.summary.detected).toBe(2);
    const html = htmlReport(a, Config.parse({}).policy);
    expect(html).toContain('<svg');
    expect(html).toContain('wash-trading');
  }, 300_000);
});
