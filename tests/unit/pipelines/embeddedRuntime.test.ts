import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../audit/hashChain.ts';
import { embeddedRuntime, type EmbeddedRuntime } from '../../../pipelines/embedded.ts';
import { venueSymbolScope } from '../../../policy/scopes.ts';
import type { Command } from '../../../schemas/command.ts';
import { Config } from '../../../schemas/config.ts';
import { eventSource } from '../../../simulator/eventSource.ts';
import { simulateMarket } from '../../../simulator/marketSimulator.ts';

describe('embedded runtime - overrides, stages, audit', () => {
  it('a manual halt goes through the policy (who and why, held against calm scores) and every stage is timed', async () => {
    const events = [...simulateMarket({ seed: 2 }, 40_000)];
    const scope = venueSymbolScope('venue-a', 'BTCUSDT');
    const entries: AuditEntry[] = [];
    let issued: Command[] = [];
    // The source's generator calls back into the runtime it feeds.
    const ref: { rt?: EmbeddedRuntime } = {};
    const source = eventSource(
      (function* () {
        for (const [i, e] of events.entries()) {
          if (i === 100)
            issued = ref.rt!.override({
              requestId: 'req-1',
              scope,
              action: 'HALT',
              user: 'ann',
              why: 'venue incident',
              time: e.eventTime,
            });
          yield e;
        }
      })(),
    );
    const rt = (ref.rt = embeddedRuntime(source, Config.parse({}), {
      heartbeats: false,
      staleFeeds: false,
      audit: {
        name: 'mem',
        write: (b) => void entries.push(...b),
        flush: async () => {},
        close: async () => {},
      },
    }));
    await rt.run();
    expect(issued).toMatchObject([
      {
        action: 'HALT',
        scope: { key: scope.key },
        issuedBy: { user: 'ann', why: 'venue incident' },
        reason: { code: 'MANUAL_HALT' },
      },
    ]);
    // Calm scores all along, yet no automatic RESUME: the person's halt holds.
    expect(
      rt.commands
        .values()
        .filter((c) => c.scope.key === scope.key)
        .map((c) => c.action),
    ).toEqual(['HALT']);
    expect(rt.engine.activeRestrictions().map((r) => `${r.action} ${r.scope.key}`)).toEqual([
      `HALT ${scope.key}`,
    ]);
    const st = rt.stages.summary();
    for (const s of ['decode', 'features', 'detectors', 'policy'] as const)
      expect(st[s].count).toBeGreaterThan(1000);
    expect(st['engine-apply'].count).toBe(1);
    expect(entries.map((e) => e.kind)).toEqual(['command', 'ack']);
    expect(entries[0]!.rationale).toContain('halted BTCUSDT on venue-a by hand: ann: venue incident');
  });
});
