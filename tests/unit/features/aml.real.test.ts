import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { OrderBook } from '../../../features/book/orderBook.ts';
import type { FeatureState } from '../../../features/feature.ts';
import { AddressRiskBook } from '../../../features/onchain/addressRiskBook.ts';
import { AmlContext } from '../../../features/onchain/amlContext.ts';
import { createOnchainFeatures } from '../../../features/onchain/onchainFeatures.ts';
import { loadRiskLists, riskListSourcesIn } from '../../../features/onchain/riskListLoader.ts';
import { SKIP } from '../../../pipelines/formats/format.ts';
import { transfersCsv } from '../../../pipelines/formats/transfersCsv.ts';
import type { Transfer } from '../../../schemas/onchain.ts';
import { SHARED } from './support/binanceCaptures.ts';

const AML = join(SHARED, 'aml');

/** The eight Ronin-exploit addresses on the OFAC ETH list (the exploiter first). */
const SANCTIONED = [
  '0x098b716b8aaf21512996dc57eb0615e2383e2f96', // Ronin Bridge Exploiter
  '0xa0e1c89ef1a489c9c7de96311ed5ce5d32c20e4b',
  '0x3cffd56b47b7b41c56258d9c7731abadc360e073',
  '0x53b6936513e738f44fb50d2b9476730c0ab3bfc1',
  '0x35fb6f6db4fb05e6a4ce86f2c93691425626d4b1',
  '0xf7b31119c2682c88d88d455dbb9d5932c65cf1be',
  '0x3e37627deaa754090fbfbb8bd226c1ce66d255e9',
  '0x08723392ed15743cc38513c4925f5e6be5c17243',
];

const book = new AddressRiskBook();
const ctx = new AmlContext(book);
const features = createOnchainFeatures(ctx);
const col = (name: string) => features.findIndex((f) => f.name === name);
const transfers: Transfer[] = [];
const states = new Map<string, FeatureState[]>();
/** Each address's values right after its first transfer with a sanctioned address. */
const onContact = new Map<string, (number | undefined)[]>();
const value = (address: string, name: string) => states.get(address)![col(name)]!.value();

beforeAll(async () => {
  book.replace((await loadRiskLists(riskListSourcesIn(AML))).lists);
  const fmt = transfersCsv();
  readFileSync(join(AML, 'onchain/lazarus_ronin_transfers.csv'), 'utf8')
    .split('\n')
    .forEach((bytes, i) => {
      const e = fmt.parse({
        seq: i + 1,
        bytes,
        origin: { file: 'lazarus_ronin_transfers.csv' },
        arrivalMs: 0,
      });
      if (e !== SKIP) transfers.push(e as Transfer);
    });
  transfers.sort((a, b) => a.eventTime - b.eventTime);
  const empty = new OrderBook();
  for (const t of transfers)
    for (const key of new Set([t.from, t.to])) {
      let s = states.get(key);
      if (!s) states.set(key, (s = features.map((f) => f.create())));
      for (const st of s)
        st.update({
          event: t,
          book: empty,
          subject: { key: `addr:${key}`, keyKind: 'address', address: key },
        });
      const other = key === t.from ? t.to : t.from;
      if (SANCTIONED.includes(other) && !onContact.has(key))
        onContact.set(
          key,
          s.map((st) => st.value()),
        );
    }
});

describe('AML features - real Ronin exploit transfers against the real OFAC, Forta and Etherscan lists', () => {
  it('replays all 436 transfers between 239 addresses', () => {
    expect(transfers).toHaveLength(436);
    expect(states.size).toBe(239);
  });

  it('flags the eight sanctioned addresses themselves: risk 1, zero hops', () => {
    for (const a of SANCTIONED) {
      expect(book.isFlagged(a), a).toBe(true);
      expect(value(a, 'address_risk'), a).toBe(1);
      expect(value(a, 'flagged_hops'), a).toBe(0);
    }
  });

  it('flags every direct counterparty of a sanctioned address at its first transfer with one', () => {
    const direct = new Set<string>();
    for (const t of transfers) {
      if (SANCTIONED.includes(t.from) && !SANCTIONED.includes(t.to)) direct.add(t.to);
      if (SANCTIONED.includes(t.to) && !SANCTIONED.includes(t.from)) direct.add(t.from);
    }
    expect(direct.size).toBe(231);
    for (const a of direct) {
      const v = onContact.get(a)!;
      expect(v[col('flagged_hops')], a).toBeLessThanOrEqual(1);
      expect(v[col('address_risk')], a).toBeGreaterThanOrEqual(0.5);
      expect(v[col('flagged_counterparties')], a).toBeGreaterThanOrEqual(1);
    }
    // Named examples: Binance 20 (an exchange that received from the exploiter) is one hop away;
    // three addresses on Forta's exploit list are flagged themselves.
    expect(direct.has('0x4976a4a02f38326660d17bf34b431dc6e2eb2327')).toBe(true);
    expect(book.isExchange('0x4976a4a02f38326660d17bf34b431dc6e2eb2327')).toBe(true);
    expect(value('0x4976a4a02f38326660d17bf34b431dc6e2eb2327', 'flagged_hops')).toBe(1);
    expect(value('0x4976a4a02f38326660d17bf34b431dc6e2eb2327', 'address_risk')).toBe(0.5);
    for (const a of [
      '0x29fc9b71492ec63696cf9cd56e9832a42b0dced0',
      '0x5d84a732b355ada31a36b33c446e3dee28f51555',
      '0x77532dd2eb6e8eaf416f39c65f48cd2369782828',
    ]) {
      expect(value(a, 'address_risk'), a).toBeCloseTo(0.9, 12);
      expect(value(a, 'flagged_hops'), a).toBe(0);
    }
  });

  it('raises the freeze signal (3 or more distinct flagged counterparties) for exactly four addresses', () => {
    const freeze = [...states.keys()].filter((a) => (value(a, 'flagged_counterparties') ?? 0) >= 3).sort();
    expect(freeze).toEqual([
      '0x098b716b8aaf21512996dc57eb0615e2383e2f96', // the exploiter: 7 sanctioned + 4 Forta-listed counterparties
      '0x346e95e6b7d5b266b9fff6d2e7dadef84933bfe5', // dust sent to 6 sanctioned addresses
      '0x40225b91d29e27134bd81ab188fe318314ef0568', // 5
      '0x63757fe32201b37d005b97812593fc6d228a5ed0', // 4
    ]);
    expect(value('0x098b716b8aaf21512996dc57eb0615e2383e2f96', 'flagged_counterparties')).toBe(11);
    expect(value('0x346e95e6b7d5b266b9fff6d2e7dadef84933bfe5', 'flagged_counterparties')).toBe(6);
  });

  it('shows the exploit proceeds reaching the first laundering hop as fully tainted inflow', () => {
    // 0xa0e1...: sanctioned itself, funded by the exploiter (all but dust).
    expect(value('0xa0e1c89ef1a489c9c7de96311ed5ce5d32c20e4b', 'flagged_inflow_share')).toBeGreaterThan(
      0.99999,
    );
    expect(ctx.graph.size).toBe(239);
    expect(ctx.graph.evicted).toBe(0);
  });
});
