import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DataError } from '../../core/errors.ts';
import type { AddressCategory } from '../../schemas/onchain.ts';
import type { AddressRiskBook, RiskLists } from './addressRiskBook.ts';
import { CATEGORY_BIT } from './riskCategories.ts';

/** Where the lists are; every entry is optional, a missing file is an error only if named. */
export interface RiskListSources {
  /** Folder of OFAC `sanctioned_addresses_<CHAIN>.txt` files. */
  readonly ofacDir?: string;
  /** Forta `phishing_scams.csv` (address first). */
  readonly phishingCsv?: string;
  /** Forta `etherscan_malicious_labels.csv` (address, tag, data_source). */
  readonly maliciousLabelsCsv?: string;
  /** Forta `malicious_smart_contracts.csv` (contract and its creator are both listed). */
  readonly maliciousContractsCsv?: string;
  /** Etherscan `combinedAllLabels.json` ({address: {name, labels[]}}). */
  readonly etherscanLabelsJson?: string;
  /** Etherscan labels that mean an exchange; defaults to the centralised exchanges below. */
  readonly exchangeLabels?: readonly string[];
}

/** Etherscan labels of centralised exchanges (their deposit and hot wallets). */
export const EXCHANGE_LABELS: readonly string[] = [
  'binance',
  'binance-deposit',
  'coinbase',
  'kraken',
  'kucoin',
  'huobi',
  'bitfinex',
  'gemini',
  'ftx',
  'poloniex',
  'bittrex',
  'okx',
  'gate-io',
  'crypto-com',
  'bithumb',
  'bitstamp',
  'upbit',
  'hitbtc',
  'bitmart',
  'hotbit',
  'korbit',
  'coinone',
  'latoken',
  'digifinex',
  'ascendex',
  'bitmex',
  'deribit',
  'hoo-com',
  'zb-com',
  'paribu',
  'coinsquare',
  'yunbi',
  'cobinhood',
  'coss-io',
  'tidex',
  'crex24',
  'topbtc',
  'kryptono',
  'coinbit',
  'bgogo',
  'allbit',
  'abcc',
  'remitano',
  'coinhako',
  'coinmetro',
  'liquid',
  'lcx-ag',
];

/** Etherscan labels that map to a risk category other than exchange. */
const ETHERSCAN_RISK: Readonly<Record<string, AddressCategory>> = {
  'ofac-sanctions-lists': 'sanctioned',
  'tornado-cash': 'mixer',
  'ethereum-mixer': 'mixer',
  'typhoon-cash': 'mixer',
  'phish-hack': 'phishing',
  exploit: 'exploit',
  heist: 'exploit',
};

/** The layout of the shared AML folder (../shared/aml): lists under ofac/, forta/, etherscan/. */
export function riskListSourcesIn(root: string): RiskListSources {
  return {
    ofacDir: join(root, 'ofac'),
    phishingCsv: join(root, 'forta', 'phishing_scams.csv'),
    maliciousLabelsCsv: join(root, 'forta', 'etherscan_malicious_labels.csv'),
    maliciousContractsCsv: join(root, 'forta', 'malicious_smart_contracts.csv'),
    etherscanLabelsJson: join(root, 'etherscan', 'combinedAllLabels.json'),
  };
}

export interface LoadedRiskLists {
  readonly lists: RiskLists;
  /** Entries read per source file (an address may be in several). */
  readonly counts: Readonly<Record<string, number>>;
}

/** Splits one CSV line, honouring double quotes. */
function csvFields(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

const ADDRESS = /^(0x)?[0-9a-z]{20,128}$/i;

async function text(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new DataError(`cannot read risk list ${path}: ${(err as Error).message}`, {
      cause: err,
      retriable: true,
    });
  }
}

/**
 * Reads the lists into one address → category-bits map. Runs at start-up and on refresh, never
 * on the event path; the result goes to `AddressRiskBook.replace`, which swaps it in at once.
 */
export async function loadRiskLists(src: RiskListSources): Promise<LoadedRiskLists> {
  const lists = new Map<string, number>();
  const counts: Record<string, number> = {};
  const add = (address: string, category: AddressCategory, source: string): void => {
    const a = address.trim().replace(/^'|'$/g, '').replace(/^\\x/, '0x').toLowerCase();
    if (!ADDRESS.test(a)) return;
    lists.set(a, (lists.get(a) ?? 0) | CATEGORY_BIT[category]);
    counts[source] = (counts[source] ?? 0) + 1;
  };
  if (src.ofacDir) {
    const files = (await readdir(src.ofacDir)).filter((f) => /^sanctioned_addresses_.*\.txt$/.test(f)).sort();
    for (const f of files)
      for (const line of (await text(join(src.ofacDir, f))).split('\n')) add(line, 'sanctioned', `ofac/${f}`);
  }
  if (src.phishingCsv)
    for (const line of (await text(src.phishingCsv)).split('\n').slice(1))
      add(csvFields(line)[0] ?? '', 'phishing', 'phishing');
  if (src.maliciousLabelsCsv)
    for (const line of (await text(src.maliciousLabelsCsv)).split('\n').slice(1)) {
      const f = csvFields(line);
      const source = f[f.length - 1] ?? '';
      add(f[0] ?? '', /exploit|heist/.test(source) ? 'exploit' : 'phishing', 'malicious-labels');
    }
  if (src.maliciousContractsCsv)
    for (const line of (await text(src.maliciousContractsCsv)).split('\n').slice(1)) {
      const f = csvFields(line);
      add(f[0] ?? '', 'exploit', 'malicious-contracts');
      add(f[2] ?? '', 'exploit', 'malicious-contracts');
    }
  if (src.etherscanLabelsJson) {
    let json: Record<string, { labels?: string[] }>;
    try {
      json = JSON.parse(await text(src.etherscanLabelsJson)) as typeof json;
    } catch (err) {
      throw new DataError(`${src.etherscanLabelsJson} is not JSON: ${(err as Error).message}`, {
        cause: err,
      });
    }
    const exchanges = new Set(src.exchangeLabels ?? EXCHANGE_LABELS);
    for (const [address, v] of Object.entries(json))
      for (const label of v.labels ?? []) {
        const risk = ETHERSCAN_RISK[label];
        if (risk) add(address, risk, 'etherscan');
        else if (exchanges.has(label)) add(address, 'exchange', 'etherscan');
      }
  }
  return { lists, counts };
}

/** Modification times of the named files (and the OFAC folder's files), to tell when to reload. */
async function fingerprint(src: RiskListSources): Promise<string> {
  const paths = [src.phishingCsv, src.maliciousLabelsCsv, src.maliciousContractsCsv, src.etherscanLabelsJson];
  if (src.ofacDir) for (const f of (await readdir(src.ofacDir)).sort()) paths.push(join(src.ofacDir, f));
  const parts: string[] = [];
  for (const p of paths) if (p) parts.push(`${p}:${(await stat(p)).mtimeMs}`);
  return parts.join('|');
}

/**
 * Keeps a risk book in step with its list files without a restart: checks their modification
 * times every `intervalMs` and, when one changed, reloads all and swaps them in at once. A failed
 * reload keeps the previous lists and is reported to `onError`.
 */
export function watchRiskLists(
  src: RiskListSources,
  book: AddressRiskBook,
  {
    intervalMs = 60_000,
    onError = (_e: unknown) => {},
  }: { intervalMs?: number; onError?: (e: unknown) => void } = {},
): { refresh(): Promise<boolean>; stop(): void } {
  let last = '';
  let running = false;
  const refresh = async (): Promise<boolean> => {
    if (running) return false;
    running = true;
    try {
      const fp = await fingerprint(src);
      if (fp === last) return false;
      book.replace((await loadRiskLists(src)).lists);
      last = fp;
      return true;
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void refresh().catch(onError), intervalMs);
  timer.unref();
  return { refresh, stop: () => clearInterval(timer) };
}
