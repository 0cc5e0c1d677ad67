import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A sanctioned address of the fixture's OFAC list (an address of the real list, ../shared/aml). */
export const SANCTIONED = '0x01e2919679362dfbc9ee1644ba9c6da6d6245bb1';
/** An exchange wallet of the fixture's Etherscan labels. */
export const EXCHANGE = '0x28c6c06298d514db089934071355e5743bf21d60';
export const USER = '0x1111111111111111111111111111111111111111';
export const OTHER = '0x2222222222222222222222222222222222222222';

/** A folder laid out as ../shared/aml, with one sanctioned address and one exchange wallet. */
export function amlFixture(): string {
  const dir = mkdtempSync(join(tmpdir(), 'flowguard-aml-'));
  for (const d of ['ofac', 'forta', 'etherscan']) mkdirSync(join(dir, d));
  writeFileSync(
    join(dir, 'ofac', 'sanctioned_addresses_ETH.txt'),
    '0x01e2919679362dFBC9ee1644Ba9C6da6D6245BB1\n',
  );
  writeFileSync(
    join(dir, 'forta', 'phishing_scams.csv'),
    'address,etherscan_tag,etherscan_labels,is_contract\n',
  );
  writeFileSync(join(dir, 'forta', 'etherscan_malicious_labels.csv'), 'address,tag,data_source\n');
  writeFileSync(
    join(dir, 'forta', 'malicious_smart_contracts.csv'),
    'contract_address,contract_tag,contract_creator\n',
  );
  writeFileSync(
    join(dir, 'etherscan', 'combinedAllLabels.json'),
    JSON.stringify({ [EXCHANGE]: { name: 'Binance 14', labels: ['binance'] } }),
  );
  return dir;
}

const T0 = Date.UTC(2026, 0, 5, 14, 0, 0);

/** One events-jsonl transfer line: ETH, `i`-th block 12 s apart from the fixture's start. */
export function transferLine(i: number, from: string, to: string, amount: number): string {
  return JSON.stringify({
    schemaVersion: 1,
    eventId: `tx-${i}`,
    type: 'transfer',
    chain: 'ETH',
    txHash: `0x${i.toString(16).padStart(64, '0')}`,
    from,
    to,
    asset: 'ETH',
    amount,
    blockTime: T0 + i * 12_000,
    eventTime: T0 + i * 12_000,
  });
}

/** events-jsonl lines: ordinary transfers, then the sanctioned address pays the user, who pays an exchange. */
export function transferLines(): string[] {
  const t = transferLine;
  return [
    t(1, OTHER, USER, 1),
    t(2, USER, OTHER, 0.5),
    t(3, SANCTIONED, USER, 40),
    t(4, USER, EXCHANGE, 39.5),
  ];
}

/** A label event of the stream (not of a list). */
export function labelLine(i: number, address: string, category: string): string {
  return JSON.stringify({
    schemaVersion: 1,
    eventId: `label-${i}`,
    type: 'label',
    chain: 'ETH',
    address,
    category,
    source: 'desk',
    eventTime: T0 + i * 12_000,
  });
}
