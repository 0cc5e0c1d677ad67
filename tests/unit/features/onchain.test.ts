import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OrderBook } from '../../../features/book/orderBook.ts';
import { AddressRiskBook } from '../../../features/onchain/addressRiskBook.ts';
import { AmlContext } from '../../../features/onchain/amlContext.ts';
import { addressRisk } from '../../../features/onchain/addressRisk.ts';
import { flaggedHops } from '../../../features/onchain/flaggedHops.ts';
import { CATEGORY_BIT } from '../../../features/onchain/riskCategories.ts';
import { loadRiskLists, watchRiskLists } from '../../../features/onchain/riskListLoader.ts';
import { TransferGraph } from '../../../features/onchain/transferGraph.ts';
import { whaleTransferVolume } from '../../../features/onchain/whaleTransferVolume.ts';
import { createRng } from '../../../core/rng.ts';
import type { AddressLabel, Transfer } from '../../../schemas/onchain.ts';

const tx = (i: number, from: string, to: string, amount = 1): Transfer => ({
  schemaVersion: 1,
  eventId: `t${i}`,
  type: 'transfer',
  chain: 'ethereum',
  txHash: `h${i}`,
  from,
  to,
  asset: 'ETH',
  amount,
  blockTime: 1_000 * i,
  eventTime: 1_000 * i,
});
const label = (address: string, category: AddressLabel['category']): AddressLabel => ({
  schemaVersion: 1,
  eventId: `l-${address}`,
  type: 'label',
  chain: 'ethereum',
  address,
  category,
  source: 'desk',
  eventTime: 0,
});
const book = new OrderBook();

describe('onchain/transferGraph - bounded memory', () => {
  it('keeps at most maxNodes addresses, evicting the least recently active', () => {
    const g = new TransferGraph(new AddressRiskBook(), { maxNodes: 4 });
    g.addTransfer('1', 'a', 'b');
    g.addTransfer('2', 'c', 'd');
    g.addTransfer('3', 'a', 'e'); // a is active again; b is now the oldest
    expect(g.size).toBe(4);
    expect(g.evicted).toBe(1);
    expect(g.toJSON().map(([a]) => a)).toEqual(['c', 'd', 'a', 'e']);
  });

  it('keeps each address’s maxNeighbors most recent counterparties', () => {
    const g = new TransferGraph(new AddressRiskBook(), { maxNeighbors: 2 });
    ['b', 'c', 'd'].forEach((x, i) => g.addTransfer(String(i), 'a', x));
    expect(g.toJSON().find(([a]) => a === 'a')![1]).toEqual(['c', 'd']);
    const r = TransferGraph.fromJSON(JSON.parse(JSON.stringify(g.toJSON())), g.book, { maxNeighbors: 2 });
    expect(r.toJSON()).toEqual(g.toJSON());
  });

  it('finds exposure within maxHops but not through an exchange', () => {
    const rb = new AddressRiskBook();
    rb.replace(
      new Map([
        ['bad', CATEGORY_BIT.sanctioned],
        ['cex', CATEGORY_BIT.exchange],
      ]),
    );
    const g = new TransferGraph(rb, { maxHops: 2 });
    g.addTransfer('1', 'bad', 'x');
    g.addTransfer('2', 'x', 'y');
    g.addTransfer('3', 'y', 'z');
    g.addTransfer('4', 'bad', 'cex');
    g.addTransfer('5', 'cex', 'w');
    expect([g.exposure('x'), g.risk]).toEqual([1, 0.5]);
    expect([g.exposure('y'), g.risk]).toEqual([2, 0.25]);
    expect(g.exposure('z')).toBe(Infinity);
    expect([g.exposure('cex'), g.risk]).toEqual([1, 0.5]);
    expect(g.exposure('w')).toBe(Infinity);
  });
});

describe('onchain/features - labels, shared state and the key’s own address', () => {
  it('a label event flags the address for every key from then on', () => {
    const ctx = new AmlContext();
    const f = addressRisk(ctx);
    const a = f.create();
    const m = f.create();
    const subj = (address: string) => ({ key: `addr:${address}`, keyKind: 'address' as const, address });
    a.update({ event: tx(1, 'alice', 'mallory'), book, subject: subj('alice') });
    m.update({ event: tx(1, 'alice', 'mallory'), book, subject: subj('mallory') });
    expect(a.value()).toBe(0);
    m.update({ event: label('mallory', 'phishing'), book, subject: subj('mallory') });
    expect(m.value()).toBe(0.7);
    a.update({ event: tx(2, 'alice', 'bob'), book, subject: subj('alice') });
    expect(a.value()).toBeCloseTo(0.35, 12);
    ctx.reset();
    expect(ctx.book.isFlagged('mallory')).toBe(false);
  });

  it('without the subject, the key’s address is the one its first two transfers share', () => {
    const ctx = new AmlContext();
    const f = whaleTransferVolume(ctx);
    const st = f.create({ whaleAmount: 10 });
    st.update({ event: tx(1, 'me', 'x', 50), book });
    expect(st.value()).toBeUndefined(); // one transfer cannot tell which side the key is
    st.update({ event: tx(2, 'y', 'me', 20), book });
    expect(st.value()).toBeCloseTo(50 * Math.pow(0.5, 1_000 / f.defaults.halfLifeMs) + 20, 9);
    const h = flaggedHops(ctx).create();
    h.update({ event: tx(3, 'z', 'z'), book });
    expect(h.value()).toBe(3);
  });
});

describe('onchain/riskListLoader - lists from files, refreshed without a restart', () => {
  it('loads each source into category bits and swaps a changed list in at once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fg-lists-'));
    try {
      writeFileSync(
        join(dir, 'sanctioned_addresses_ETH.txt'),
        '0xAAAA000000000000000000000000000000000001\n',
      );
      const phish = join(dir, 'phish.csv');
      writeFileSync(
        phish,
        'address,etherscan_tag,etherscan_labels,is_contract\n0xbbbb000000000000000000000000000000000002,Fake_Phishing1,phish-hack,False\n',
      );
      const labels = join(dir, 'labels.json');
      writeFileSync(
        labels,
        JSON.stringify({
          '0xCCCC000000000000000000000000000000000003': {
            name: 'Tornado.Cash: Router',
            labels: ['tornado-cash'],
          },
          '0xdddd000000000000000000000000000000000004': { name: 'Binance 14', labels: ['binance'] },
        }),
      );
      const src = { ofacDir: dir, phishingCsv: phish, etherscanLabelsJson: labels };
      const { lists } = await loadRiskLists(src);
      expect([...lists]).toEqual([
        ['0xaaaa000000000000000000000000000000000001', CATEGORY_BIT.sanctioned],
        ['0xbbbb000000000000000000000000000000000002', CATEGORY_BIT.phishing],
        ['0xcccc000000000000000000000000000000000003', CATEGORY_BIT.mixer],
        ['0xdddd000000000000000000000000000000000004', CATEGORY_BIT.exchange],
      ]);

      const rb = new AddressRiskBook();
      const w = watchRiskLists(src, rb, { intervalMs: 3_600_000 });
      expect(await w.refresh()).toBe(true);
      expect(await w.refresh()).toBe(false); // unchanged files are not reloaded
      const v = rb.version;
      writeFileSync(
        join(dir, 'sanctioned_addresses_ETH.txt'),
        '0xeeee000000000000000000000000000000000005\n',
      );
      utimesSync(join(dir, 'sanctioned_addresses_ETH.txt'), new Date(), new Date(Date.now() + 5_000));
      expect(await w.refresh()).toBe(true);
      expect(rb.version).toBe(v + 1);
      expect(rb.isFlagged('0xaaaa000000000000000000000000000000000001')).toBe(false);
      expect(rb.isFlagged('0xeeee000000000000000000000000000000000005')).toBe(true);
      // A broken file leaves the lists as they were.
      writeFileSync(labels, '{ not json');
      utimesSync(labels, new Date(), new Date(Date.now() + 10_000));
      await expect(w.refresh()).rejects.toThrow(/not JSON/);
      expect(rb.isFlagged('0xeeee000000000000000000000000000000000005')).toBe(true);
      w.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('onchain/transferGraph - the two-hop shortcut equals the breadth-first search', () => {
  it('gives the same hops and risk on random graphs with overwritten rings and list changes', () => {
    const rng = createRng(21);
    for (let run = 0; run < 30; run++) {
      const rb = new AddressRiskBook();
      const fast = new TransferGraph(rb, { maxHops: 2, maxNeighbors: 3, maxNodes: 25 });
      const full = new TransferGraph(rb, { maxHops: 3, maxNeighbors: 3, maxNodes: 25 });
      const cats = [
        CATEGORY_BIT.sanctioned,
        CATEGORY_BIT.phishing,
        CATEGORY_BIT.exchange,
        CATEGORY_BIT.mixer,
      ];
      for (let i = 0; i < 200; i++) {
        const a = `a${rng.int(30)}`;
        const b = `a${rng.int(30)}`;
        fast.addTransfer(String(i), a, b);
        full.addTransfer(String(i), a, b);
        if (rng.next() < 0.05) rb.applyLabel({ address: `a${rng.int(30)}`, category: 'phishing' });
        if (rng.next() < 0.02)
          rb.replace(
            new Map(
              Array.from({ length: 5 }, () => [`a${rng.int(30)}`, cats[rng.int(4)]!] as [string, number]),
            ),
          );
        for (const x of [a, b]) {
          const h = fast.exposure(x);
          // The three-hop search, read at two hops: same minimum hops within 2 and same risk.
          full.exposure(x);
          const want = full.hops <= 2 ? full.hops : Infinity;
          expect(h).toBe(want);
          expect(fast.risk).toBeCloseTo(bfs(full, x), 12);
        }
      }
    }
  });
});

/** Max weight * 0.5^hops over addresses within two hops (one from an exchange), searched naively. */
function bfs(g: TransferGraph, x: string): number {
  const adj = new Map(g.toJSON());
  let risk = g.book.weight(x);
  const seen = new Set([x]);
  let frontier = adj.has(x) ? [x] : [];
  const reach = g.book.isExchange(x) ? 1 : 2;
  for (let h = 1; h <= reach; h++) {
    const next: string[] = [];
    for (const a of frontier)
      for (const b of adj.get(a) ?? []) {
        if (seen.has(b)) continue;
        seen.add(b);
        risk = Math.max(risk, g.book.weight(b) * Math.pow(0.5, h));
        if (adj.has(b) && !g.book.isExchange(b)) next.push(b);
      }
    frontier = next;
  }
  return risk;
}
