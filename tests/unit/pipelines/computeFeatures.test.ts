import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { AddressRiskBook, AmlContext, firstStageFeatures } from '../../../features/index.ts';
import { computeFeatures } from '../../../pipelines/computeFeatures.ts';
import type { EventEnvelope, FeatureFrame } from '../../../pipelines/envelope.ts';
import { keyBy } from '../../../pipelines/keyBy.ts';
import type { InputEvent } from '../../../schemas/event.ts';
import type { AddressLabel, Transfer } from '../../../schemas/onchain.ts';

const PHISH = '0x00000000000000000000000000000000000000aa';
const USER = '0x00000000000000000000000000000000000000bb';
const EXCHANGE = '0x00000000000000000000000000000000000000cc';

const transfer = (i: number, from: string, to: string, usd: number): Transfer => ({
  schemaVersion: 1,
  eventId: `t${i}`,
  type: 'transfer',
  chain: 'ethereum',
  txHash: `0x${i}`,
  from,
  to,
  asset: 'ETH',
  amount: usd / 2_500,
  usdValue: usd,
  blockTime: 12_000 * i,
  eventTime: 12_000 * i,
});
const labelOf = (address: string, category: AddressLabel['category']): AddressLabel => ({
  schemaVersion: 1,
  eventId: `l-${address}`,
  type: 'label',
  chain: 'ethereum',
  address,
  category,
  source: 'desk',
  eventTime: 0,
});
const label = labelOf(PHISH, 'phishing');

async function frames(events: readonly InputEvent[]): Promise<FeatureFrame[]> {
  const envs: EventEnvelope[] = events.map((event, seq) => ({
    seq,
    event,
    origin: { source: 'test' } as unknown as EventEnvelope['origin'],
    arrivalMs: 0,
  }));
  const features = firstStageFeatures(new AmlContext(new AddressRiskBook()));
  return lastValueFrom(from(envs).pipe(keyBy(), computeFeatures(features), toArray()));
}

const value = (f: FeatureFrame, name: string) => f.values[f.names.indexOf(name)];

describe('computeFeatures - address keys know which side of a transfer they are', () => {
  it("an address's very first transfer already counts: received from a phishing address", async () => {
    const fs = await frames([label, transfer(1, PHISH, USER, 5_000)]);
    const user = fs.filter((f) => f.subject.key === `addr:${USER}`);
    expect(user).toHaveLength(1);
    expect(value(user[0]!, 'flagged_counterparties')).toBe(1);
    expect(value(user[0]!, 'address_risk')).toBeCloseTo(0.35, 12);
  });

  it('two transfers from the same sender are inflows of the receiver, not outflows of the sender', async () => {
    const fs = await frames([transfer(1, EXCHANGE, USER, 9_000), transfer(2, EXCHANGE, USER, 9_000)]);
    const user = fs.filter((f) => f.subject.key === `addr:${USER}`);
    expect(user.map((f) => value(f, 'split_accumulation'))).toEqual([0.009, expect.closeTo(0.018, 5)]);
    expect(value(user[1]!, 'new_large_holder')).toBeCloseTo(0.018, 5);
    const ex = fs.filter((f) => f.subject.key === `addr:${EXCHANGE}`);
    expect(value(ex[1]!, 'split_accumulation')).toBe(0);
  });

  it('a listed exchange wallet collecting small deposits is not split accumulation', async () => {
    const fs = await frames([
      labelOf(EXCHANGE, 'exchange'),
      transfer(1, USER, EXCHANGE, 9_000),
      transfer(2, PHISH, EXCHANGE, 9_000),
    ]);
    const ex = fs.filter((f) => f.subject.key === `addr:${EXCHANGE}` && f.eventId !== `l-${EXCHANGE}`);
    expect(ex.map((f) => value(f, 'split_accumulation'))).toEqual([0, 0]);
    // Its net inflow is still there for the other features.
    expect(value(ex[1]!, 'new_large_holder')).toBeCloseTo(0.018, 12);
  });

  it("whale-sized flow into exchanges counts for a whale, not for an exchange's own rebalancing", async () => {
    const OTHER = '0x00000000000000000000000000000000000000dd';
    const fs = await frames([
      labelOf(EXCHANGE, 'exchange'),
      labelOf(OTHER, 'exchange'),
      transfer(1, EXCHANGE, OTHER, 2_000_000),
      transfer(2, USER, OTHER, 3_000_000),
    ]);
    const last = (key: string) => fs.filter((f) => f.subject.key === `addr:${key}`).at(-1)!;
    expect(value(last(EXCHANGE), 'whale_exchange_net_flow')).toBe(0);
    expect(value(last(USER), 'whale_exchange_net_flow')).toBe(3_000_000);
  });
});
