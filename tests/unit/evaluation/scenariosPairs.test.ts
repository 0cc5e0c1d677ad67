import { describe, expect, it } from 'vitest';
import { evaluateSuite } from '../../../evaluation/scenarios/evaluateSuite.ts';
import { shared } from '../../support/shared.ts';

describe('evaluation scenarios - pair-driven commands', () => {
  it("a cross-venue dislocation halts the legs of the scenario's pairs, counted on its keys, and its symbol escalation is not an off-target halt", async () => {
    const r = await evaluateSuite({
      seed: 1,
      amlDir: shared('aml'),
      only: ['cross-venue-dislocation'],
      // The pairs' 5-minute windows must be full before the dislocation-rule acts.
      warmupMs: 330_000,
      tailMs: 5_000,
      normalMs: 40_000,
      normalWarmupMs: 30_000,
      workers: 1,
      // The explicit rules: the scenario suite is what they are for (off in the default configuration).
      detectors: { rules: true, ensemble: false },
    });
    const s = r.result.scenarios[0]!;
    expect(s.detected).toBe(true);
    const pairHalts = s.commands.filter((c) => c.action === 'HALT' && c.detector === 'dislocation-rule');
    // venue-c's SOLUSDT against venue-a's and venue-b's: each pair halts its legs as venue-symbol
    // scopes an engine applies (venue-c's own frames may have halted it first).
    expect(pairHalts.map((c) => c.scope)).toEqual(
      expect.arrayContaining(['vs:venue-a:SOLUSDT', 'vs:venue-b:SOLUSDT']),
    );
    expect(pairHalts.every((c) => c.scope.startsWith('vs:') && c.scope.endsWith(':SOLUSDT'))).toBe(true);
    expect(s.offTargetHalts).toBe(0);
  }, 120_000);
});
