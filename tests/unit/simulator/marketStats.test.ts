import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../../schemas/common.ts';
import type { InputEvent } from '../../../schemas/event.ts';
import { correlation, MarketStatsCollector, quantile } from '../../../simulator/realism/marketStats.ts';

const base = (t: number, n: number) => ({
  schemaVersion: SCHEMA_VERSION,
  eventId: `e${n}`,
  venue: 'v',
  symbol: 'S',
  eventTime: t,
});

describe('realism - market statistics', () => {
  it('measures trade gaps, same-millisecond sweeps, relative sizes and the sampled spread', () => {
    const events: InputEvent[] = [];
    let n = 0;
    for (let i = 0; i < 100; i++) {
      const t = 1_000 + i * 100;
      events.push({ ...base(t, n++), type: 'ticker', bidPrice: 100, bidQty: 3, askPrice: 100.01, askQty: 1 });
      // Two fills in the same millisecond every 100 ms.
      for (const q of [1, 4])
        events.push({
          ...base(t, n++),
          type: 'trade',
          tradeId: `t${n}`,
          price: 100.01,
          quantity: q,
          takerSide: 'buy',
        });
    }
    const c = new MarketStatsCollector();
    events.forEach((e) => c.add(e));
    const [s] = c.results();
    expect(s!.trades).toBe(200);
    expect(s!.sameMsShare).toBeCloseTo(100 / 199, 5);
    expect(quantile(s!.relSizes, 1)).toBeCloseTo(4 / 2.5, 5);
    expect(s!.oneTickShare).toBe(1);
    expect(s!.imbalance.every((x) => Math.abs(x - 0.5) < 1e-12)).toBe(true);
  });

  it('estimates cancelled volume from depth diffs net of traded volume', () => {
    const c = new MarketStatsCollector();
    let n = 0;
    c.add({ ...base(0, n++), type: 'ticker', bidPrice: 99.9, bidQty: 10, askPrice: 100.1, askQty: 10 });
    c.add({ ...base(0, n++), type: 'book', kind: 'snapshot', bids: [[99.9, 10]], asks: [[100.1, 10]] });
    // +5 added at 99.9, then 4 traded at 100.1 and the level goes 10 -> 2: 4 of the 8 removed were cancelled.
    c.add({ ...base(100, n++), type: 'book', kind: 'update', bids: [[99.9, 15]], asks: [] });
    c.add({ ...base(150, n++), type: 'trade', tradeId: 'x', price: 100.1, quantity: 4, takerSide: 'buy' });
    c.add({ ...base(200, n++), type: 'book', kind: 'update', bids: [], asks: [[100.1, 2]] });
    expect(c.results()[0]!.cancelVolumeRatio).toBeCloseTo(4 / 5, 10);
  });

  it('correlation of equal series is 1 and skips missing values', () => {
    expect(correlation([1, 2, Number.NaN, 4], [2, 4, 5, 8])).toBeCloseTo(1, 12);
  });
});
