import { describe, expect, it } from 'vitest';
import { HistoryQuery } from '../../../server/historyStore.ts';
import { MemoryHistory } from '../../../server/memoryHistory.ts';
import { alertFor, call, testDesk } from './harness.ts';

const T0 = 1_700_000_000_000;

describe('server - history queries', () => {
  it('query strings parse: epoch ms or ISO instants, defaults, limits', () => {
    const q = HistoryQuery.parse({
      from: '2023-06-01T00:00:00Z',
      to: String(T0),
      minScore: '0.9',
      limit: '5',
    });
    expect(q).toMatchObject({
      from: Date.parse('2023-06-01T00:00:00Z'),
      to: T0,
      minScore: 0.9,
      limit: 5,
      offset: 0,
    });
    expect(HistoryQuery.safeParse({ from: String(T0), to: String(T0 - 1) }).success).toBe(false);
    expect(HistoryQuery.safeParse({ limit: '5000' }).success).toBe(false);
    const d = HistoryQuery.parse({});
    expect(d.to).toBeUndefined();
    expect(Date.now() - d.from).toBeGreaterThanOrEqual(86_400_000 - 1000);
  });

  it('the in-memory store filters by range, symbol, venue, detector and score, newest first, in pages', async () => {
    const h = new MemoryHistory();
    for (let i = 0; i < 10; i++)
      h.addAlert(alertFor(i % 2 ? 'ETHUSDT' : 'SOLUSDT', 0.9 + i / 100, T0 + i * 1000));
    const base = HistoryQuery.parse({ from: String(T0), to: String(T0 + 100_000) });
    const all = await h.queryAlerts({ ...base, limit: 4 });
    expect(all.items.map((a) => a.eventTime)).toEqual([9, 8, 7, 6].map((i) => T0 + i * 1000));
    expect(all.nextOffset).toBe(4);
    const last = await h.queryAlerts({ ...base, limit: 4, offset: 8 });
    expect(last.items).toHaveLength(2);
    expect(last.nextOffset).toBeNull();
    const sol = await h.queryAlerts({ ...base, symbol: 'SOLUSDT', minScore: 0.95 });
    expect(sol.items.map((a) => a.score)).toEqual([0.98, 0.96]);
    expect((await h.queryAlerts({ ...base, venue: 'venue-b' })).items).toHaveLength(0);
    expect(
      (await h.queryAnomalies({ ...base, detector: 'burst-rule', to: T0 + 3000 })).items.map((a) => a.time),
    ).toEqual([T0 + 2000, T0 + 1000, T0]);
  });

  it('GET /api/history/* answers what the runtime wrote', async () => {
    const d = await testDesk();
    try {
      d.rt.alerts.write([alertFor('SOLUSDT', 0.97, T0), alertFor('ETHUSDT', 0.92, T0 + 1)]);
      const r = await call(`${d.url}/api/history/alerts?from=${T0 - 1}&to=${T0 + 10}&symbol=SOLUSDT`);
      expect(r.status).toBe(200);
      expect(r.json().items.map((a: { symbol: string }) => a.symbol)).toEqual(['SOLUSDT']);
      const an = await call(`${d.url}/api/history/anomalies?from=${T0 - 1}&to=${T0 + 10}&minScore=0.95`);
      expect(an.json().items).toHaveLength(1);
    } finally {
      await d.close();
    }
  });
});
