import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataError } from '../core/errors.ts';
import type { Rng } from '../core/rng.ts';
import { SCHEMA_VERSION } from '../schemas/common.ts';
import type { AddressCategory, AddressLabel } from '../schemas/onchain.ts';
import { hex } from './sampling.ts';

/** A listed address the simulated chain uses, with where its label comes from. */
export interface ListedAddress {
  readonly address: string;
  readonly category: AddressCategory;
  readonly name?: string;
  readonly source: string;
}

/** The addresses of the simulated chain, by role. Listed ones come from the shared AML lists. */
export interface AddressBook {
  readonly exchanges: readonly ListedAddress[];
  readonly mixers: readonly ListedAddress[];
  readonly sanctioned: readonly ListedAddress[];
  readonly phishing: readonly ListedAddress[];
  /** Large holders the desk watches (labelled by the desk). */
  readonly whales: readonly ListedAddress[];
  /** Unlabelled ordinary users. */
  readonly retail: readonly string[];
}

/** The raw lists under ../shared/aml, read once and shared by every simulation of a run. */
export interface AmlLists {
  readonly exchanges: readonly ListedAddress[];
  readonly mixers: readonly ListedAddress[];
  readonly sanctioned: readonly ListedAddress[];
  readonly phishing: readonly ListedAddress[];
}

const EXCHANGES = ['binance', 'coinbase', 'kraken', 'okx', 'kucoin'];

/** Reads the exchange, mixer, OFAC (ETH) and phishing lists of the shared AML folder. */
export function readAmlLists(dir: string): AmlLists {
  const file = (...p: string[]) => {
    const path = join(dir, ...p);
    if (!existsSync(path))
      throw new DataError(`AML list missing: ${path} (set --aml DIR or FLOWGUARD_SHARED to the shared data)`);
    return readFileSync(path, 'utf8');
  };
  const labels = JSON.parse(file('etherscan', 'combinedAllLabels.json')) as Record<
    string,
    { name?: string; labels?: string[] }
  >;
  const sanctionedSet = new Set(
    file('ofac', 'sanctioned_addresses_ETH.txt')
      .split('\n')
      .map((l) => l.trim().toLowerCase())
      .filter((l) => /^0x[0-9a-f]{40}$/.test(l)),
  );
  const phishing = file('forta', 'phishing_scams.csv')
    .split('\n')
    .slice(1)
    .map((l) => l.split(',')[0]!.trim().toLowerCase())
    .filter((a) => /^0x[0-9a-f]{40}$/.test(a) && !sanctionedSet.has(a));
  const flagged = new Set([...sanctionedSet, ...phishing]);
  const exchanges: ListedAddress[] = [];
  const mixers: ListedAddress[] = [];
  for (const [raw, v] of Object.entries(labels)) {
    const address = raw.toLowerCase();
    const ls = v.labels ?? [];
    const ex = EXCHANGES.find((e) => ls.includes(e));
    if (ex && !flagged.has(address) && /^0x[0-9a-f]{40}$/.test(address))
      exchanges.push({ address, category: 'exchange', name: v.name || ex, source: 'etherscan' });
    // Tornado pools (fixed denominations) are where deposits and withdrawals happen.
    if (ls.includes('tornado-cash') && /\d[\d,.]* ETH$/.test(v.name ?? ''))
      mixers.push({ address, category: 'mixer', name: v.name!, source: 'etherscan' });
  }
  const byAddress = (a: ListedAddress, b: ListedAddress) => (a.address < b.address ? -1 : 1);
  return {
    exchanges: exchanges.sort(byAddress),
    mixers: mixers.sort(byAddress),
    sanctioned: [...sanctionedSet]
      .sort()
      .map((address) => ({ address, category: 'sanctioned', source: 'ofac' }) as const),
    phishing: phishing.sort().map((address) => ({ address, category: 'phishing', source: 'forta' }) as const),
  };
}

function pick<T>(rng: Rng, xs: readonly T[], n: number): T[] {
  const pool = [...xs];
  const out: T[] = [];
  while (out.length < n && pool.length) out.push(pool.splice(rng.int(pool.length), 1)[0]!);
  return out;
}

export interface AddressBookSizes {
  readonly exchanges: number;
  readonly mixers: number;
  readonly sanctioned: number;
  readonly phishing: number;
  readonly whales: number;
  readonly retail: number;
}

export const defaultAddressBookSizes: AddressBookSizes = {
  exchanges: 8,
  mixers: 3,
  sanctioned: 8,
  phishing: 8,
  whales: 6,
  retail: 400,
};

/** A seeded choice of addresses for one simulation: real listed ones and synthetic whales and users. */
export function buildAddressBook(lists: AmlLists, rng: Rng, n = defaultAddressBookSizes): AddressBook {
  // At least one address of each of the first exchanges, so deposits spread over venues.
  const exchanges: ListedAddress[] = [];
  for (const ex of EXCHANGES) {
    const own = lists.exchanges.filter((e) => e.name?.toLowerCase().startsWith(ex));
    exchanges.push(...pick(rng, own, Math.max(1, Math.floor(n.exchanges / EXCHANGES.length))));
  }
  const synthetic = () => `0x${hex(rng, 40)}`;
  return {
    exchanges: exchanges.slice(0, Math.max(n.exchanges, EXCHANGES.length)),
    mixers: pick(rng, lists.mixers, n.mixers),
    sanctioned: pick(rng, lists.sanctioned, n.sanctioned),
    phishing: pick(rng, lists.phishing, n.phishing),
    whales: Array.from({ length: n.whales }, (_, i) => ({
      address: synthetic(),
      category: 'whale' as const,
      name: `whale ${i + 1}`,
      source: 'desk',
    })),
    retail: Array.from({ length: n.retail }, synthetic),
  };
}

/**
 * Label events of the desk's own list (the whales it watches), as a label feed would publish them.
 * The public lists (OFAC, Forta, Etherscan) are not sent as events: the pipeline loads them from
 * the same files at start-up, as it would in production.
 */
export function labelEvents(book: AddressBook, t: number, chain: string): AddressLabel[] {
  const all = book.whales;
  return all.map((a, i) => ({
    schemaVersion: SCHEMA_VERSION,
    eventId: `label-${chain}-${i}-${a.address.slice(2, 10)}`,
    type: 'label',
    chain,
    address: a.address,
    category: a.category,
    ...(a.name ? { name: a.name } : {}),
    source: a.source,
    eventTime: t,
  }));
}
