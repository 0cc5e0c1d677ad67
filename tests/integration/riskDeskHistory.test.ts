import { defaultIfEmpty, lastValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { defaultDetectorSlots } from '../../detectors/index.ts';
import { marketFeatures } from '../../features/index.ts';
import { deliver } from '../../pipelines/deliver.ts';
import type { Decision } from '../../pipelines/envelope.ts';
import { eventsJsonl } from '../../pipelines/formats/eventsJsonl.ts';
import { pipeline } from '../../pipelines/pipeline.ts';
import type { Alert } from '../../schemas/alert.ts';
import type { Command } from '../../schemas/command.ts';
import { Config } from '../../schemas/config.ts';
import { InfluxConfig } from '../../schemas/influxConfig.ts';
import { influxHistoryStore } from '../../server/influxHistoryStore.ts';
import { InfluxHistory } from '../../sinks/influx/influxHistory.ts';
import { influxWriter } from '../../sinks/influx/influxWriter.ts';
import type { Sink } from '../../sinks/sink.ts';
import { eventSource } from '../../simulator/eventSource.ts';
import { simulateMarket } from '../../simulator/marketSimulator.ts';
import { call, testDesk } from '../unit/server/harness.ts';

const services = inject('services');

function collect<T>(into: T[]): Sink<T> {
  return {
    name: 'collect',
    write: (b) => void into.push(...b),
    flush: async () => {},
    close: async () => {},
  };
}

/** Polls `f` until it holds, or fails naming what was awaited. */
async function waitFor(f: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await f())) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('risk desk - history over real InfluxDB', () => {
  // A range of its own in the past, emptied first: other tests' points in the shared bucket never
  // match, and a rerun finds only its own.
  const start = Date.UTC(2021, 3, 1);
  const range = `from=${start}&to=${start + 200_000}`;
  const alerts: Alert[] = [];
  const commands: Command[] = [];
  // InfluxDB keeps one point per series and timestamp: scores of one key and detector at the same
  // event time (a burst of events in one millisecond) are one point, the last written.
  const highScores = new Set<string>();
  let desk: Awaited<ReturnType<typeof testDesk>>;

  beforeAll(async () => {
    const { url, org, bucket, token } = services.influxdb;
    const deleted = await fetch(
      `${url}/api/v2/delete?org=${encodeURIComponent(org)}&bucket=${encodeURIComponent(bucket)}`,
      {
        method: 'POST',
        headers: { authorization: `Token ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          start: new Date(start).toISOString(),
          stop: new Date(start + 86_400_000).toISOString(),
        }),
      },
    );
    expect(deleted.status, await deleted.text()).toBe(204);
    const config = Config.parse({});
    const writer = influxWriter(
      InfluxConfig.parse({
        url,
        org,
        bucket,
        featureSampleEvery: 0,
        minScoreToWrite: 0.5,
      }),
      token,
    );
    const pump = {
      kind: 'pump',
      venue: 'venue-a',
      symbol: 'SOLUSDT',
      startMs: 60_000,
      durationMs: 20_000,
      rise: 0.03,
      intensity: 12,
    } as const;
    const events = simulateMarket({ seed: 1, startTime: start, manipulations: [pump] }, 150_000);
    const countHigh: Sink<Decision> = {
      ...collect<Decision>([]),
      write: (b) => {
        for (const d of b)
          for (const s of d.scored.scores)
            if (s.score >= 0.9)
              highScores.add(`${d.scored.frame.subject.key}|${s.detector}|${d.scored.frame.eventTime}`);
      },
    };
    await lastValueFrom(
      eventSource(events).pipe(
        pipeline({
          format: eventsJsonl,
          deadLetters: () => {},
          features: marketFeatures,
          detectors: defaultDetectorSlots(),
          policy: config.policy,
        }),
        deliver({
          commands: [
            { ...collect<Command>(commands), write: (b) => void commands.push(...b.map((d) => d.command)) },
          ],
          alerts: [collect(alerts)],
          decisions: [writer, countHigh],
        }),
        defaultIfEmpty(null),
      ),
    );
    await writer.flush();
    await writer.close();
    expect(writer.stats.dropped).toBe(0);
    expect(
      alerts.length,
      'the simulated pump raised no alert: nothing to look for in history',
    ).toBeGreaterThan(0);
    expect(commands.length, 'the simulated pump led to no command').toBeGreaterThan(0);

    const history = influxHistoryStore(
      new InfluxHistory(
        services.influxdb.url,
        services.influxdb.token,
        services.influxdb.org,
        services.influxdb.bucket,
      ),
    );
    desk = await testDesk({ override: { history } });
    await waitFor(
      async () =>
        (await call(`${desk.url}/api/history/alerts?${range}&limit=1000`)).json().items?.length ===
        alerts.length,
      30_000,
      'the alerts to be queryable',
    );
  }, 300_000);

  afterAll(async () => desk?.close());

  it('alerts: the API returns exactly the alerts the pipeline wrote, filtered by symbol, venue and score', async () => {
    const all = (await call(`${desk.url}/api/history/alerts?${range}&limit=1000`)).json();
    expect(all.items.map((a: Alert) => a.alertId).sort()).toEqual(alerts.map((a) => a.alertId).sort());
    const byId = new Map(alerts.map((a) => [a.alertId, a]));
    for (const a of all.items as Alert[]) {
      const wrote = byId.get(a.alertId)!;
      expect(a).toMatchObject({
        key: wrote.key,
        venue: wrote.venue,
        symbol: wrote.symbol,
        eventTime: wrote.eventTime,
        detector: wrote.detector,
        severity: wrote.severity,
        message: wrote.message,
        topFeatures: wrote.topFeatures,
        triggeringEventIds: wrote.triggeringEventIds,
      });
      expect(a.score).toBeCloseTo(wrote.score, 12);
    }
    const critical = await call(
      `${desk.url}/api/history/alerts?${range}&symbol=SOLUSDT&venue=venue-a&minScore=0.99&limit=1000`,
    );
    expect(
      critical
        .json()
        .items.map((a: Alert) => a.alertId)
        .sort(),
    ).toEqual(
      alerts
        .filter((a) => a.symbol === 'SOLUSDT' && a.venue === 'venue-a' && a.score >= 0.99)
        .map((a) => a.alertId)
        .sort(),
    );
    const none = await call(`${desk.url}/api/history/alerts?${range}&venue=venue-z`);
    expect(none.json().items).toEqual([]);
  });

  it('commands: every command the pipeline issued, with its action, scope and sequence', async () => {
    const r = (await call(`${desk.url}/api/history/commands?${range}&limit=1000`)).json();
    const got = (r.items as Command[]).map((c) => [c.commandId, c.action, c.scope.key, c.sequence]);
    const wrote = commands.map((c) => [c.commandId, c.action, c.scope.key, c.sequence]);
    expect(got.sort()).toEqual(wrote.sort());
    const byId = new Map(commands.map((c) => [c.commandId, c]));
    for (const c of r.items as Command[]) {
      const w = byId.get(c.commandId)!;
      expect(c.reason).toEqual(w.reason);
      expect(c.expiresAt).toBe(w.expiresAt);
      expect(c.magnitude).toBe(w.magnitude);
    }
    // Newest first, as the desk shows them.
    const times = (r.items as Command[]).map((c) => c.eventTime);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(commands.some((c) => c.action === 'HALT')).toBe(true);
  });

  it('anomalies: the detector scores at or above minScore, and pages that add up', async () => {
    type Row = { time: number; key: string; detector: string; score: number };
    const id = (a: Row) => `${a.key}|${a.detector}|${a.time}`;
    const pages = async (limit: number) => {
      const seen: Row[] = [];
      let offset: number | null = 0;
      while (offset !== null) {
        const page = (
          await call(
            `${desk.url}/api/history/anomalies?${range}&minScore=0.9&limit=${limit}&offset=${offset}`,
          )
        ).json();
        expect(page.items.length).toBeLessThanOrEqual(limit);
        seen.push(...page.items);
        offset = page.nextOffset;
      }
      return seen;
    };
    const all = await pages(1000);
    expect(all.every((a) => a.score >= 0.9 && a.key.startsWith('vs:'))).toBe(true);
    expect(all.map(id).sort()).toEqual([...highScores].sort());
    expect((await pages(400)).map(id).sort()).toEqual(all.map(id).sort());
  });
});
