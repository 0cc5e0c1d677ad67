import { embeddedRuntime } from '../pipelines/embedded.ts';
import { Config } from '../schemas/config.ts';
import { eventSource } from '../simulator/eventSource.ts';
import { simulateMarket } from '../simulator/marketSimulator.ts';

/**
 * The embedded pipeline at full speed on simulated flow with pumps on several keys: events/s
 * and event-arrival-to-engine-ack latency of every command, halts separately.
 */
export async function benchEmbedded(seed = 1, eventTimeMs = 300_000) {
  const pumps = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'].map(
    (symbol, i) =>
      ({
        kind: 'pump',
        venue: i % 2 ? 'venue-b' : 'venue-a',
        symbol,
        startMs: 60_000 + i * 70_000,
        durationMs: 20_000,
        rise: 0.03,
        intensity: 12,
      }) as const,
  );
  const events = [...simulateMarket({ seed, manipulations: pumps }, eventTimeMs)];
  const rt = embeddedRuntime(eventSource(events), Config.parse({}));
  const started = performance.now();
  await rt.run();
  const elapsedMs = performance.now() - started;
  return {
    events: events.length,
    eventsPerSec: Math.round((events.length / elapsedMs) * 1000),
    commands: rt.commands.size,
    commandLatency: rt.latency.summary(),
    haltLatency: rt.haltLatency.summary(),
  };
}
