import { describe, expect, it } from 'vitest';
import { evaluateSuite } from '../../../evaluation/scenarios/evaluateSuite.ts';
import { Config } from '../../../schemas/config.ts';
import { shared } from '../../support/shared.ts';

/**
 * Short runs of single scenarios through the whole evaluation (simulator, features, detectors,
 * policy, stale-feed check): what each must be caught by, and how soon in event time.
 */
const run = (only: string[], seed = 1) =>
  evaluateSuite({
    seed,
    amlDir: shared('aml'),
    only,
    warmupMs: 30_000,
    tailMs: 5_000,
    normalMs: 40_000,
    normalWarmupMs: 30_000,
    workers: 1,
    // The explicit rules: the scenario suite is what they are for (off in the default configuration).
    detectors: { rules: true, ensemble: false },
  });

describe('evaluation scenarios - what catches each, and when', () => {
  it('an address touching flagged addresses is caught at its first touch; a venue gone silent within the venue threshold', async () => {
    const r = (await run(['flagged-counterparty', 'feed-silence'])).result;
    const [flagged, silence] = r.scenarios;
    // The phishing sender is the fresh address's first counterparty: caught in that block.
    expect(flagged).toMatchObject({ detected: true, detectionDelayMs: 0 });
    expect(flagged!.detectedBy).toMatchObject({ key: flagged!.keys[0], detector: 'aml-risk-rule' });
    // Three flagged counterparties, one block apart, halt the address.
    expect(flagged!.commands.some((c) => c.action === 'HALT' && c.scope === flagged!.keys[0])).toBe(true);
    const p = Config.parse({}).policy;
    expect(silence).toMatchObject({
      detected: true,
      detectedBy: { key: 'venue:venue-b', detector: 'stale-feed' },
    });
    expect(silence!.detectionDelayMs).toBeGreaterThanOrEqual(p.venueStaleAfterMs - 100);
    expect(silence!.detectionDelayMs).toBeLessThanOrEqual(p.venueStaleAfterMs + p.staleScanMs);
  }, 60_000);

  it('a whale position gathered in small pieces by a fresh address is caught once it reaches half a whale size', async () => {
    const r = (await run(['whale-split-accumulation'])).result;
    const s = r.scenarios[0]!;
    expect(s).toMatchObject({ detected: true, detectedBy: { detector: 'split-accumulation-rule' } });
    // About $1.5 M in 150 s: half of the $1 M whale size after some 50 s, not before 30 s.
    expect(s.detectionDelayMs).toBeGreaterThan(30_000);
    expect(s.detectionDelayMs).toBeLessThan(75_000);
    expect(s.commands.map((c) => c.action)).toContain('HALT');
  }, 60_000);
});
