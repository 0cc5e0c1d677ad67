import { describe, expect, inject, it } from 'vitest';
import { startDistributed } from '../../pipelines/distributed.ts';
import type { Alert } from '../../schemas/alert.ts';
import type { InputEvent } from '../../schemas/event.ts';
import { kafkaClient } from '../../sinks/kafka/kafkaClient.ts';
import { simulateMarket } from '../../simulator/marketSimulator.ts';
import { produceEvents, testConfig, waitFor } from '../support/kafkaRun.ts';
import { readAll } from './support/scaleOut.ts';

const services = inject('services');

describe('distributed stale-feed scan', () => {
  it('a venue that stops publishing while another goes on is flagged on the alerts topic, the live one is not', async () => {
    const config = testConfig(services);
    Object.assign(config.kafka, { featureSampleMs: 0 });
    const p = config.policy;
    const rt = await startDistributed({ config, staleFeeds: true, log: () => undefined });
    const producer = kafkaClient(config.kafka, '-test').producer();
    await producer.connect();
    try {
      const events = [...simulateMarket({ seed: 5, venues: ['venue-a', 'venue-b'] }, 120_000)];
      const onA = (e: InputEvent) => 'venue' in e && e.venue === 'venue-a';
      // Both venues talk for a while (in wall time too: a scan sees arrivals, not event times).
      const both = events.slice(0, Math.floor(events.length / 2));
      const per = Math.ceil(both.length / 20);
      for (let i = 0; i < both.length; i += per) {
        await produceEvents(producer, config.kafka.topics.events, both.slice(i, i + per));
        await new Promise((r) => setTimeout(r, 100));
      }
      await waitFor(() => rt.stats.decode.messages >= both.length, 60_000, 'both venues processed');
      expect(rt.stats.staleAlerts).toBe(0);

      // Then only venue-a goes on, a batch every 100 ms, for a few times the venue threshold.
      const rest = events.slice(both.length).filter(onA);
      const until = Date.now() + Math.max(4 * p.venueStaleAfterMs, 3 * p.staleScanMs) + 2_000;
      let i = 0;
      while (Date.now() < until && i < rest.length) {
        await produceEvents(producer, config.kafka.topics.events, rest.slice(i, i + 200));
        i += 200;
        await new Promise((r) => setTimeout(r, 100));
      }
      await waitFor(() => rt.stats.staleAlerts > 0, 10_000, 'a stale-feed alert');

      const alerts = [
        ...(await readAll(kafkaClient(config.kafka, '-read'), config.kafka.topics.alerts)).values(),
      ]
        .flat()
        .map((m) => JSON.parse(m.value) as Alert)
        .filter((a) => a.detector === 'stale-feed');
      expect(alerts.length).toBeGreaterThan(0);
      // One venue alert for venue-b, none for venue-a, which kept publishing.
      expect(alerts.filter((a) => a.key === 'venue:venue-b')).toHaveLength(1);
      expect(alerts.filter((a) => a.venue === 'venue-a')).toEqual([]);
      expect(alerts[0]!.message).toMatch(/^venue venue-b: no events for/);
    } finally {
      await producer.disconnect();
      await rt.stop();
    }
  }, 180_000);
});
