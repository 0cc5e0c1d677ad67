import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Feature } from '../../../features/feature.ts';
import { addressRisk } from '../../../features/onchain/addressRisk.ts';
import type { AmlContext } from '../../../features/onchain/amlContext.ts';
import { flaggedCounterparties } from '../../../features/onchain/flaggedCounterparties.ts';
import { flaggedHops } from '../../../features/onchain/flaggedHops.ts';
import { flaggedInflowShare } from '../../../features/onchain/flaggedInflowShare.ts';
import { newLargeHolder } from '../../../features/onchain/newLargeHolder.ts';
import { splitAccumulation } from '../../../features/onchain/splitAccumulation.ts';
import { whaleExchangeFlow } from '../../../features/onchain/whaleExchangeFlow.ts';
import { whaleTransferCount } from '../../../features/onchain/whaleTransferCount.ts';
import { whaleTransferVolume } from '../../../features/onchain/whaleTransferVolume.ts';
import type { Transfer } from '../../../schemas/onchain.ts';
import { close } from './support/marketStream.ts';
import { decay } from './support/naive.ts';
import {
  EXCHANGES,
  FLAGGED,
  WEIGHT,
  runAddresses,
  testContext,
  transferStream,
} from './support/transferStream.ts';

const value = (t: Transfer) => t.usdValue ?? t.amount;
const whaleThr = (t: Transfer, p: { whaleUsd: number; whaleAmount: number }) =>
  t.usdValue !== undefined ? p.whaleUsd : p.whaleAmount;
const cp = (t: Transfer, me: string) => (t.from === me ? t.to : t.from);
const lastTime = (own: readonly Transfer[]) => Math.max(...own.map((t) => t.eventTime));

function check<P extends object>(
  feature: (ctx: AmlContext) => Feature<P>,
  naive: (key: string, own: readonly Transfer[], all: readonly Transfer[], p: P) => number | undefined,
  params: Partial<P> = {},
  tol = 1e-9,
): number {
  let defined = 0;
  fc.assert(
    fc.property(transferStream(), (transfers) => {
      const p = { ...feature(testContext()).defaults, ...params } as P;
      runAddresses(
        feature,
        transfers,
        (key, v, own, all) => {
          const want = naive(key, own, all, p);
          if (!close(v, want, tol))
            throw new Error(`${key} after ${all.length} transfers: feature ${v}, naive ${want}`);
          if (want !== undefined) defined++;
        },
        params,
      );
    }),
    { numRuns: 150, seed: 5 },
  );
  return defined;
}

/** Breadth-first exposure over every transfer so far, not crossing exchanges. */
function exposure(key: string, all: readonly Transfer[], maxHops = 2, d = 0.5) {
  const nb = new Map<string, Set<string>>();
  for (const t of all)
    if (t.from !== t.to) {
      if (!nb.has(t.from)) nb.set(t.from, new Set());
      if (!nb.has(t.to)) nb.set(t.to, new Set());
      nb.get(t.from)!.add(t.to);
      nb.get(t.to)!.add(t.from);
    }
  const dist = new Map([[key, 0]]);
  let frontier = [key];
  // From an exchange, only its direct counterparties.
  for (let h = 1; h <= (EXCHANGES.has(key) ? 1 : maxHops); h++) {
    const next: string[] = [];
    for (const a of frontier)
      for (const b of nb.get(a) ?? [])
        if (!dist.has(b)) {
          dist.set(b, h);
          if (!EXCHANGES.has(b)) next.push(b);
        }
    frontier = next;
  }
  let risk = 0;
  let hops = Infinity;
  for (const [a, h] of dist) {
    const w = WEIGHT[a] ?? 0;
    risk = Math.max(risk, w * Math.pow(d, h));
    if (FLAGGED.has(a)) hops = Math.min(hops, h);
  }
  return { risk, hops };
}

describe('on-chain features - match a naive full recomputation on random transfer streams', () => {
  it('address_risk', () =>
    expect(check(addressRisk, (key, _own, all) => exposure(key, all).risk)).toBeGreaterThan(0));

  it('flagged_hops', () =>
    expect(
      check(flaggedHops, (key, _own, all) => {
        const h = exposure(key, all).hops;
        return Number.isFinite(h) ? h : 3;
      }),
    ).toBeGreaterThan(0));

  it('flagged_counterparties', () =>
    expect(
      check(
        flaggedCounterparties,
        (key, own) => new Set(own.map((t) => cp(t, key)).filter((a) => a !== key && FLAGGED.has(a))).size,
      ),
    ).toBeGreaterThan(0));

  it('flagged_inflow_share', () =>
    expect(
      check(
        flaggedInflowShare,
        (key, own, _all, p) => {
          const inb = own.filter((t) => t.to === key && t.from !== key);
          if (inb.length === 0) return undefined;
          const T = lastTime(inb);
          const tot = inb.reduce((a, t) => a + value(t) * decay(T, t.eventTime, p.halfLifeMs), 0);
          const bad = inb
            .filter((t) => FLAGGED.has(t.from))
            .reduce((a, t) => a + value(t) * decay(T, t.eventTime, p.halfLifeMs), 0);
          return tot > 0 ? bad / tot : 0;
        },
        { halfLifeMs: 3_600_000 },
      ),
    ).toBeGreaterThan(0));

  it('whale_exchange_net_flow', () =>
    expect(
      check(
        whaleExchangeFlow,
        (key, own, _all, p) => {
          const T = lastTime(own);
          return own.reduce((a, t) => {
            const c = cp(t, key);
            // An exchange's own flow with other exchanges is not a whale's.
            if (c === key || value(t) < whaleThr(t, p) || !EXCHANGES.has(c) || EXCHANGES.has(key)) return a;
            return a + (t.from === key ? 1 : -1) * value(t) * decay(T, t.eventTime, p.halfLifeMs);
          }, 0);
        },
        { halfLifeMs: 3_600_000, whaleAmount: 300, whaleUsd: 1e6 },
      ),
    ).toBeGreaterThan(0));

  it('whale_transfer_count', () =>
    expect(
      check(
        whaleTransferCount,
        (_key, own, _all, p) => {
          const T = lastTime(own);
          return own.reduce(
            (a, t) => a + (value(t) >= whaleThr(t, p) ? decay(T, t.eventTime, p.halfLifeMs) : 0),
            0,
          );
        },
        { halfLifeMs: 3_600_000, whaleAmount: 300, whaleUsd: 1e6 },
      ),
    ).toBeGreaterThan(0));

  it('whale_transfer_volume', () =>
    expect(
      check(
        whaleTransferVolume,
        (_key, own, _all, p) => {
          const T = lastTime(own);
          return own.reduce(
            (a, t) => a + (value(t) >= whaleThr(t, p) ? value(t) * decay(T, t.eventTime, p.halfLifeMs) : 0),
            0,
          );
        },
        { halfLifeMs: 3_600_000, whaleAmount: 300, whaleUsd: 1e6 },
      ),
    ).toBeGreaterThan(0));

  it('split_accumulation', () =>
    expect(
      check(
        splitAccumulation,
        (key, own, _all, p) => {
          const T = lastTime(own);
          return own.reduce((a, t) => {
            const small = t.usdValue !== undefined ? p.smallUsd : p.smallAmount;
            const v = value(t);
            // A listed exchange collecting small deposits is not accumulating.
            if (t.to !== key || t.from === key || EXCHANGES.has(key) || !(v > 0 && v < small)) return a;
            return a + (v / whaleThr(t, p)) * decay(T, t.eventTime, p.halfLifeMs);
          }, 0);
        },
        { halfLifeMs: 3_600_000, smallAmount: 500, smallUsd: 1.5e6, whaleAmount: 1_000, whaleUsd: 3e6 },
      ),
    ).toBeGreaterThan(0));

  it('new_large_holder', () =>
    expect(
      check(
        newLargeHolder,
        (key, own, _all, p) => {
          const first = Math.min(...own.map((t) => t.eventTime));
          const net = own.reduce(
            (a, t) => (t.from === t.to ? a : a + (t.to === key ? value(t) : -value(t))),
            0,
          );
          return lastTime(own) - first <= p.newMs ? Math.max(0, net) / whaleThr(own.at(-1)!, p) : 0;
        },
        { newMs: 12 * 3_600_000, whaleAmount: 300, whaleUsd: 1e6 },
        1e-7,
      ),
    ).toBeGreaterThan(0));
});
