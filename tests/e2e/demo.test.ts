import { describe, expect, it } from 'vitest';
import { embeddedRuntime } from '../../pipelines/embedded.ts';
import { Config } from '../../schemas/config.ts';
import { eventSource } from '../../simulator/eventSource.ts';
import { simulateMarket } from '../../simulator/marketSimulator.ts';
import { main } from '../../cli/main.ts';
import { ReferenceEngine } from '../../engine/referenceEngine.ts';

describe('demo - end to end', () => {
  it('simulator -> pipeline -> engine: the pump is halted, acked once, orders refused, latency measured', async () => {
    const pump = {
      kind: 'pump',
      venue: 'venue-a',
      symbol: 'SOLUSDT',
      startMs: 60_000,
      durationMs: 20_000,
      rise: 0.03,
      intensity: 12,
    } as const;
    const events = simulateMarket({ seed: 1, manipulations: [pump] }, 150_000);
    const engine = new ReferenceEngine();
    const rt = embeddedRuntime(
      eventSource(
        (function* () {
          for (const e of events) {
            if (e.type === 'order' && e.action === 'new')
              engine.submitOrder({ venue: e.venue, symbol: e.symbol, account: e.account });
            yield e;
          }
        })(),
      ),
      Config.parse({}),
      { engine },
    );
    await rt.run();
    const halts = rt.acks.values().filter((a) => a.delivery.command.action === 'HALT');
    expect(halts).toHaveLength(1);
    expect(halts[0]!.ack.status).toBe('APPLIED');
    expect(rt.haltLatency.count).toBe(1);
    expect(rt.haltLatency.summary().maxMs).toBeLessThan(500);
    expect(rt.engine.ordersRejected).toBeGreaterThan(0);
    expect(rt.alerts.size).toBeGreaterThan(0);
    expect(rt.engine.duplicates).toBe(0);
  });

  it('npm start prints a HALT with its evidence, the ack and the halt latency', async () => {
    const lines: string[] = [];
    const log = console.log;
    console.log = (...a: unknown[]) => void lines.push(a.join(' '));
    try {
      expect(await main(['demo', '--duration', '12s', '--speed', '12'])).toBe(0);
    } finally {
      console.log = log;
    }
    const text = lines.join('\n');
    expect(text).toMatch(/HALT\s+vs:venue-a:SOLUSDT/);
    expect(text).toMatch(/evidence: burst-rule 0\.99\d+ >= 0\.99/);
    expect(text).toMatch(/engine ack: APPLIED .* halt latency \d+\.\d+ ms/);
    expect(text).toMatch(/halt latency \(event arrival -> engine ack\): p50/);
  }, 60_000);
});
