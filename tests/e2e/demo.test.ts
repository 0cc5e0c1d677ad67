import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyAuditFile } from '../../audit/verifyAudit.ts';
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

  it('npm start prints throttle before halt with evidence, the ack, the halt latency and a verifiable audit trail', async () => {
    const lines: string[] = [];
    const log = console.log;
    const audit = join(mkdtempSync(join(tmpdir(), 'flowguard-demo-')), 'audit.jsonl');
    console.log = (...a: unknown[]) => void lines.push(a.join(' '));
    try {
      expect(
        await main(['demo', '--duration', '12s', '--speed', '12', '--port', '0', '--audit', audit]),
      ).toBe(0);
    } finally {
      console.log = log;
    }
    const text = lines.join('\n');
    expect(text).toMatch(/HALT\s+vs:venue-a:SOLUSDT/);
    expect(text.indexOf('THROTTLE    vs:venue-a:SOLUSDT')).toBeGreaterThan(-1);
    expect(text.indexOf('THROTTLE    vs:venue-a:SOLUSDT')).toBeLessThan(
      text.indexOf('HALT        vs:venue-a:SOLUSDT'),
    );
    expect(text).toMatch(/reason: halted SOLUSDT on venue-a: pump-rule 0\.99\d ≥ 0\.99; top features: /);
    expect(text).toMatch(/evidence: pump-rule 0\.99\d+ >= 0\.99/);
    expect(text).toMatch(/engine ack: APPLIED .* halt latency \d+\.\d+ ms/);
    expect(text).toMatch(/halt latency \(event arrival -> engine ack\): p50/);
    expect(text).toMatch(/latency by stage, p50\/p99 ms: decode .*engine-apply .*event-to-ack/);
    expect(text).toMatch(/dead-man switch: \d+ heartbeats sent, 0 refused; safe mode never entered/);
    const v = await verifyAuditFile(audit);
    expect(v.ok).toBe(true);
    const kinds = readFileSync(audit, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l).kind);
    expect(kinds).toEqual(expect.arrayContaining(['command', 'ack', 'alert']));
  }, 60_000);

  it('the dead-man switch: when heartbeats stop, the engine puts all trading in safe mode', async () => {
    const lines: string[] = [];
    const log = console.log;
    console.log = (...a: unknown[]) => void lines.push(a.join(' '));
    try {
      expect(
        await main([
          'demo',
          '--duration',
          '9s',
          '--speed',
          '12',
          '--port',
          '0',
          '--audit',
          'none',
          '--heartbeats-for',
          '2s',
        ]),
      ).toBe(0);
    } finally {
      console.log = log;
    }
    const text = lines.join('\n');
    expect(text).toMatch(
      /ENGINE SAFE MODE: REDUCE_ONLY on all trading: no heartbeat for \d+ ms \(limit 5000 ms\)/,
    );
    expect(text).toMatch(/restrictions in force at the end: .*REDUCE_ONLY global/);
  }, 60_000);
});
