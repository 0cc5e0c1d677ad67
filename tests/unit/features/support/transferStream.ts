import fc from 'fast-check';
import { OrderBook } from '../../../../features/book/orderBook.ts';
import type { Feature } from '../../../../features/feature.ts';
import { AmlContext } from '../../../../features/onchain/amlContext.ts';
import { CATEGORY_BIT } from '../../../../features/onchain/riskCategories.ts';
import type { Transfer } from '../../../../schemas/onchain.ts';

/** Six addresses: a4 sanctioned, a3 a mixer, a5 an exchange. */
export const ADDRS = ['0xa0', '0xa1', '0xa2', '0xa3', '0xa4', '0xa5'] as const;
export const FLAGGED = new Set(['0xa3', '0xa4']);
export const EXCHANGES = new Set(['0xa5']);
export const WEIGHT: Record<string, number> = { '0xa3': 0.8, '0xa4': 1 };

export function testContext(): AmlContext {
  const ctx = new AmlContext();
  ctx.book.replace(
    new Map([
      ['0xa3', CATEGORY_BIT.mixer],
      ['0xa4', CATEGORY_BIT.sanctioned],
      ['0xa5', CATEGORY_BIT.exchange],
    ]),
  );
  return ctx;
}

export const transferStream = (maxLength = 50): fc.Arbitrary<Transfer[]> =>
  fc
    .array(
      fc.record({
        from: fc.integer({ min: 0, max: 5 }),
        to: fc.integer({ min: 0, max: 5 }),
        dt: fc.integer({ min: 0, max: 4 * 3_600_000 }),
        late: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 3_600_000 })),
        amount: fc.oneof(fc.constant(0), fc.double({ min: 0.01, max: 2_000, noNaN: true })),
        usd: fc.boolean(),
      }),
      { minLength: 1, maxLength },
    )
    .map((raw) => {
      let t = 1_650_000_000_000;
      return raw.map((r, i): Transfer => {
        t += r.dt;
        return {
          schemaVersion: 1,
          eventId: `tx${i}`,
          type: 'transfer',
          chain: 'ethereum',
          txHash: `0x${i}`,
          from: ADDRS[r.from]!,
          to: ADDRS[r.to]!,
          asset: 'ETH',
          amount: r.amount,
          ...(r.usd ? { usdValue: r.amount * 3_000 } : {}),
          blockTime: t - r.late,
          eventTime: t - r.late,
        };
      });
    });

/**
 * Delivers each transfer to both of its addresses, as the pipeline does, and calls `check`
 * with the key, its value and the transfers seen so far after each delivery.
 */
export function runAddresses<P extends object>(
  feature: (ctx: AmlContext) => Feature<P>,
  transfers: readonly Transfer[],
  check: (key: string, value: number | undefined, own: readonly Transfer[], all: readonly Transfer[]) => void,
  params?: Partial<P>,
): void {
  const f = feature(testContext());
  const book = new OrderBook();
  const states = new Map<string, ReturnType<typeof f.create>>();
  const seen: Transfer[] = [];
  for (const t of transfers) {
    seen.push(t);
    for (const key of t.from === t.to ? [t.from] : [t.from, t.to]) {
      let st = states.get(key);
      if (!st) states.set(key, (st = f.create(params)));
      st.update({ event: t, book, subject: { key: `addr:${key}`, keyKind: 'address', address: key } });
      check(
        key,
        st.value(),
        seen.filter((x) => x.from === key || x.to === key),
        seen,
      );
    }
  }
}
