import { describe, expect, it } from 'vitest';
import { OrderBook } from '../../../features/book/orderBook.ts';
import { CrossVenueBoard, venuePremium } from '../../../features/crossAsset/venuePremium.ts';
import type { FeatureState } from '../../../features/feature.ts';
import { venuePremiumSlot } from '../../../detectors/rules/marketRules.ts';
import type { InputEvent } from '../../../schemas/event.ts';

/** One venue-symbol's state and book, fed tickers at a chosen mid. */
function leg(f: ReturnType<typeof venuePremium>, venue: string, symbol = 'BTCUSDT') {
  const book = new OrderBook();
  let st: FeatureState = f.create();
  let n = 0;
  return {
    quote(t: number, mid: number): number | undefined {
      const event = {
        schemaVersion: 1,
        eventId: `${venue}-${n++}`,
        type: 'ticker',
        venue,
        symbol,
        bidPrice: mid - 0.5,
        bidQty: 1,
        askPrice: mid + 0.5,
        askQty: 1,
        eventTime: t,
      } as unknown as InputEvent;
      book.applyTicker(event as Parameters<OrderBook['applyTicker']>[0]);
      st.update({
        event,
        book,
        subject: { key: `vs:${venue}:${symbol}`, keyKind: 'venue-symbol', venue, symbol },
      });
      return st.value();
    },
    restore() {
      st = f.restore(JSON.parse(JSON.stringify(st.toJSON())) as unknown);
    },
  };
}

describe('venue_premium - one venue against the median of the others', () => {
  it('is silent while warming up and reads the premium over the usual level after it', () => {
    const f = venuePremium(new CrossVenueBoard());
    const [a, b, c] = [leg(f, 'a'), leg(f, 'b'), leg(f, 'c')];
    // venue a quotes a steady 10 bps over the others: its usual premium, not a dislocation.
    let last: number | undefined;
    for (let t = 0; t <= 400_000; t += 1_000) {
      b.quote(t, 10_000);
      c.quote(t, 10_000);
      last = a.quote(t, 10_010);
      if (t < 300_000) expect(last).toBeUndefined();
    }
    expect(last!).toBeCloseTo(0, 6);
    // Then a jumps 60 bps up on its own: the premium shows in full, at once.
    b.quote(401_000, 10_000);
    c.quote(401_000, 10_000);
    const v = a.quote(401_000, 10_070.1);
    expect(v!).toBeGreaterThan(55);
    expect(venuePremiumSlot.create().score(Float64Array.of(v!))).toBeGreaterThan(1);
  });

  it('moves with the market: a jump every venue takes is no premium', () => {
    const f = venuePremium(new CrossVenueBoard());
    const [a, b, c] = [leg(f, 'a'), leg(f, 'b'), leg(f, 'c')];
    for (let t = 0; t <= 310_000; t += 1_000) [a, b, c].forEach((l) => l.quote(t, 10_000));
    b.quote(311_000, 10_100);
    c.quote(311_000, 10_100);
    expect(a.quote(311_000, 10_100)!).toBeCloseTo(0, 6);
  });

  it('needs two other live venues: with one, or with a silent one, it reads nothing', () => {
    const f = venuePremium(new CrossVenueBoard());
    const [a, b, c] = [leg(f, 'a'), leg(f, 'b'), leg(f, 'c')];
    for (let t = 0; t <= 310_000; t += 1_000) {
      b.quote(t, 10_000);
      expect(a.quote(t, 10_000)).toBeUndefined();
    }
    c.quote(311_000, 10_000);
    b.quote(311_000, 10_000);
    // c is silent from here on: once its quote is older than maxAgeMs (5 s) a has one peer left.
    b.quote(317_000, 10_000);
    expect(a.quote(317_000, 10_000)).toBeUndefined();
  });

  it('gives the same values after a checkpoint and restore', () => {
    const runOnce = (restoreAt: number) => {
      const f = venuePremium(new CrossVenueBoard());
      const [a, b, c] = [leg(f, 'a'), leg(f, 'b'), leg(f, 'c')];
      const out: (number | undefined)[] = [];
      for (let t = 0; t <= 330_000; t += 1_000) {
        if (t === restoreAt) a.restore();
        b.quote(t, 10_000 + (t % 7_000) / 100);
        c.quote(t, 10_000 - (t % 5_000) / 100);
        out.push(a.quote(t, 10_005 + (t % 3_000) / 100));
      }
      return out;
    };
    expect(runOnce(315_000)).toEqual(runOnce(-1));
  });
});
