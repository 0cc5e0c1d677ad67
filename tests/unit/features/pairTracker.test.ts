import { describe, expect, it } from 'vitest';
import { assetOf } from '../../../features/crossAsset/assetOf.ts';
import { CrossAssetStage } from '../../../features/crossAsset/crossAssetStage.ts';
import type { CrossInput } from '../../../features/crossAsset/crossFeature.ts';
import { PairTracker, type Pair } from '../../../features/crossAsset/pairTracker.ts';
import { crossAssetFeatures } from '../../../features/index.ts';

const collect = () => {
  const out: { pair: Pair; x: CrossInput }[] = [];
  return { out, emit: (pair: Pair, x: CrossInput) => out.push({ pair, x }) };
};

describe('crossAsset/pairTracker - pairs venue-symbols and samples them on one grid', () => {
  it('names the base asset of spot, USD-margined and coin-margined symbols', () => {
    expect(['BTCUSDT', 'BTCUSD_PERP', 'ETHUSD_240927', 'ETHUSDC', 'SOLFDUSD', 'XYZ'].map(assetOf)).toEqual([
      'BTC',
      'BTC',
      'ETH',
      'ETH',
      'SOL',
      'XYZ',
    ]);
  });

  it('pairs the same asset across venues (spot as leg B) and two assets on one venue', () => {
    const tr = new PairTracker({ stepMs: 1_000, allowedLatenessMs: 0 });
    const { emit } = collect();
    tr.update('binance-spot', 'BTCUSDT', 100, 0, emit);
    tr.update('binance-usdm', 'BTCUSDT', 101, 0, emit);
    tr.update('binance-spot', 'ETHUSDT', 10, 0, emit);
    tr.update('binance-cm', 'BTCUSD_PERP', 102, 0, emit);
    expect(tr.pairList.map((p) => [p.kind, p.key])).toEqual([
      ['cross-venue', 'pair:binance-usdm:BTCUSDT|binance-spot:BTCUSDT'],
      ['cross-asset', 'pair:binance-spot:BTCUSDT|binance-spot:ETHUSDT'],
      ['cross-venue', 'pair:binance-cm:BTCUSD_PERP|binance-spot:BTCUSDT'],
      // Neither is spot: the smaller venue name is the reference.
      ['cross-venue', 'pair:binance-usdm:BTCUSDT|binance-cm:BTCUSD_PERP'],
    ]);
  });

  it('emits each tick once the watermark passes it, with each leg as of the tick, whatever the arrival order', () => {
    const feed = (order: [string, number, number][]) => {
      const tr = new PairTracker({ stepMs: 1_000, allowedLatenessMs: 500 });
      const { out, emit } = collect();
      for (const [venue, mid, t] of order) tr.update(venue, 'BTCUSDT', mid, t, emit);
      return out.map((o) => [o.x.eventTime, o.x.a, o.x.b]);
    };
    const inOrder: [string, number, number][] = [
      ['spot', 100, 900],
      ['perp', 200, 950],
      ['spot', 101, 1_400],
      ['perp', 201, 1_900],
      ['spot', 102, 2_100],
      ['perp', 202, 2_600],
      ['spot', 103, 3_600],
    ];
    // The perp quote of 1 900 arrives after the spot quote of 2 100, within the allowed lateness.
    const shuffled = [
      inOrder[0]!,
      inOrder[1]!,
      inOrder[2]!,
      inOrder[4]!,
      inOrder[3]!,
      inOrder[5]!,
      inOrder[6]!,
    ];
    const want = [
      [1_000, 200, 100],
      [2_000, 201, 101],
      [3_000, 202, 102],
    ];
    expect(feed(inOrder)).toEqual(want);
    expect(feed(shuffled)).toEqual(want);
  });

  it('skips a pair whose leg is stale and drops idle legs with their pairs', () => {
    const tr = new PairTracker({ stepMs: 1_000, allowedLatenessMs: 0, maxStaleMs: 2_000, idleMs: 5_000 });
    const { out, emit } = collect();
    tr.update('spot', 'BTCUSDT', 100, 0, emit);
    tr.update('perp', 'BTCUSDT', 100, 0, emit);
    for (let t = 1_000; t <= 6_000; t += 1_000) tr.update('spot', 'BTCUSDT', 100, t, emit);
    // Tick 0 went by before the pair existed; from 3 000 the perp quote of 0 is stale.
    expect(out.map((o) => o.x.eventTime)).toEqual([1_000, 2_000]);
    tr.evictIdle(6_000);
    expect(tr.pairList).toHaveLength(0);
    expect(tr.legCount).toBe(1);
  });

  it('the stage turns mids into one frame per pair and tick, in feature order', () => {
    const stage = new CrossAssetStage(crossAssetFeatures, { stepMs: 500, allowedLatenessMs: 0 });
    let frames = 0;
    for (let t = 0; t < 10_000; t += 100) {
      const fs = [
        ...stage.onMid('binance-spot', 'BTCUSDT', 100 + Math.sin(t), t),
        ...stage.onMid('binance-usdm', 'BTCUSDT', 100.1 + Math.sin(t), t),
      ];
      for (const f of fs) {
        frames++;
        expect(f.names).toEqual(crossAssetFeatures.map((c) => c.name));
        expect(f.values[f.names.indexOf('basis')]).toBeCloseTo(Math.log(f.pa / f.pb) * 1e4, 9);
      }
    }
    // Ticks 500 .. 9 500 (tick 0 passed before the second leg arrived).
    expect(frames).toBe(19);
    expect(stage.pairCount).toBe(1);
  });
});
