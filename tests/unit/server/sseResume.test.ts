import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../../schemas/alert.ts';
import { MemoryFeed } from '../../../sinks/memoryFeed.ts';
import { alertFor, call, policyHalt, testDesk } from './harness.ts';
import { sseConnect, type SseEvent } from './sseClient.ts';

type Desk = Awaited<ReturnType<typeof testDesk>>;

const idsOf = (events: SseEvent[], name: string) =>
  events
    .filter((e) => e.event === name)
    .map((e) => JSON.parse(e.data).alertId ?? JSON.parse(e.data).commandId);

describe('server - SSE live stream resumes from Last-Event-ID', () => {
  let d: Desk;
  beforeEach(async () => {
    d = await testDesk();
  });
  afterEach(async () => d.close());

  it('a client that disconnects and reconnects with Last-Event-ID misses no event and gets none twice', async () => {
    const written: string[] = [];
    const writeAlerts = (k: number) => {
      for (let i = 0; i < k; i++) {
        const a = alertFor(i % 2 ? 'ETHUSDT' : 'SOLUSDT');
        written.push(a.alertId);
        d.rt.alerts.write([a]);
      }
    };
    writeAlerts(3);
    const first = sseConnect(`${d.url}/api/stream?backlog=100`);
    expect(await first.status).toBe(200);
    await first.waitFor((e) => e.filter((x) => x.event === 'alert').length === 3);
    writeAlerts(4);
    policyHalt(d.rt);
    await first.waitFor((e) => e.some((x) => x.event === 'ack'));
    first.close();
    const lastId = first.events.at(-1)!.id!;

    // Written while nobody listens: these must come on the reconnection.
    writeAlerts(5);
    policyHalt(d.rt, 4);

    const second = sseConnect(`${d.url}/api/stream`, { 'last-event-id': lastId });
    expect(await second.status).toBe(200);
    await second.waitFor(
      (e) =>
        e.filter((x) => x.event === 'alert').length === 5 && e.filter((x) => x.event === 'ack').length === 1,
    );
    writeAlerts(2); // and live ones after the replay
    await second.waitFor((e) => e.filter((x) => x.event === 'alert').length === 7);
    second.close();

    const got = [...idsOf(first.events, 'alert'), ...idsOf(second.events, 'alert')];
    expect(got).toEqual(written);
    const commands = [...idsOf(first.events, 'command'), ...idsOf(second.events, 'command')];
    expect(commands).toEqual(['cmd-halt-3', 'cmd-halt-4']);
    expect([...first.events, ...second.events].filter((e) => e.event === 'ack')).toHaveLength(2);
    // Ids are cursors that only move forward.
    expect(second.events[0]!.id!.startsWith(lastId.split('.')[0]!)).toBe(true);
  });

  it('the Last-Event-ID may also come as a query parameter, and a topic subset is honoured', async () => {
    d.rt.alerts.write([alertFor(), alertFor()]);
    policyHalt(d.rt);
    const c = sseConnect(`${d.url}/api/stream?topics=alerts&backlog=1`);
    await c.waitFor((e) => e.length === 1);
    c.close();
    expect(c.events[0]!.event).toBe('alert');
    d.rt.alerts.write([alertFor()]);
    const r = sseConnect(
      `${d.url}/api/stream?topics=alerts&lastEventId=${encodeURIComponent(c.events[0]!.id!)}`,
    );
    await r.waitFor((e) => e.length === 1);
    r.close();
    expect(r.events.map((e) => e.event)).toEqual(['alert']);
  });

  it('a cursor from before a restart sends a reset and the whole buffer', async () => {
    d.rt.alerts.write([alertFor(), alertFor()]);
    const c = sseConnect(`${d.url}/api/stream`, { 'last-event-id': 'e1.a999' });
    await c.waitFor((e) => e.filter((x) => x.event === 'alert').length === 2);
    c.close();
    expect(c.events[0]!.event).toBe('reset');
  });

  it('a client too far behind is told how many events fell out of the buffer', async () => {
    await d.close();
    const alerts = new MemoryFeed<Alert>('alerts', 3);
    d = await testDesk({
      override: { feeds: { epoch: 7, alerts, commands: new MemoryFeed('c'), acks: new MemoryFeed('k') } },
    });
    for (let i = 0; i < 10; i++) alerts.write([alertFor()]);
    const c = sseConnect(`${d.url}/api/stream?topics=alerts`, { 'last-event-id': 'e7.a2' });
    await c.waitFor((e) => e.filter((x) => x.event === 'alert').length === 3);
    c.close();
    expect(c.events[0]).toMatchObject({ event: 'gap' });
    expect(JSON.parse(c.events[0]!.data)).toEqual({ topic: 'alerts', missed: 5 });
  });

  it('a malformed Last-Event-ID is a clear 400, not a silent restart', async () => {
    const r = await call(`${d.url}/api/stream`, { headers: { 'last-event-id': 'garbage!' } });
    expect(r.status).toBe(400);
    expect(r.json().error.code).toBe('invalid_last_event_id');
  });
});
