import type { Catalogue, CatalogueEntry } from './catalogue.ts';

const FAMILY_TITLE: Record<string, string> = {
  'order-flow': 'Order flow (per venue and symbol)',
  'cross-asset': 'Cross-asset and cross-venue (per pair, second stage)',
  'on-chain': 'On-chain and AML (per address)',
};

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

const params = (e: CatalogueEntry): string =>
  Object.keys(e.defaults).length === 0
    ? 'none'
    : Object.entries(e.defaults)
        .map(([k, v]) => `\`${k}=${String(v)}\``)
        .join(', ');

const INTRO = `# Feature catalogue

Generated from the code by \`npx flowguard features --markdown > docs/features.md\`; do not edit
by hand (a unit test fails when this file and the code disagree). \`npx flowguard features --json\`
gives the same catalogue as one JSON object.

## The contract
Every feature is one file under \`features/\` and one object: catalogue metadata (name, family,
unit, formula, window, what it reveals, key kind, input event types, default parameters) and
\`create(params)\` / \`restore(json, params)\` returning per-key state with \`update(input)\`,
\`value()\` (undefined while warming up) and \`toJSON()\`. Updates are incremental, O(1) or
O(log n) amortised, in event time, deterministic, without I/O or clock reads. Shared statistics
live in \`features/stats/\`: event-time EWMA and decaying rates and sums, Welford with removal,
Neumaier sums, time-ordered rings, rolling sums and moments, rolling covariance, monotonic
deques for rolling extremes, P² quantiles and exponentially weighted variance. Sliding windows
are (t - W, t] where t is the newest event time the state has seen; a late event (out of order)
is placed by its time, so windows, decaying sums and extremes do not depend on arrival order.
Sliding sums are compensated and recomputed from their buffer after as many removals as it holds,
so they do not drift. Buffers are typed arrays, grown by doubling up to a bound per key (16,384
rows by default; at the bound the oldest row goes first and the state counts it in \`dropped\`).

## How the pipeline feeds them
- Order flow: state per venue-symbol key; the pipeline keeps the key's \`OrderBook\` and applies
  book, ticker and trade events to it before calling \`update({ event, book })\` of each feature
  whose \`inputs\` include the event type. Features that need order events (own-venue order flow)
  stay undefined on public feeds, which carry none.
- On-chain: state per address key. A transfer concerns both its addresses and must be delivered
  to both keys; the input should carry the key's \`subject\` (otherwise the key's address is
  inferred from its first two transfers). The address features share an \`AmlContext\`: the
  \`AddressRiskBook\` (lists loaded by \`loadRiskLists\`, swapped in at once by \`replace\`, refreshed
  without a restart by \`watchRiskLists\`, plus labels from label events or a label topic) and the
  bounded \`TransferGraph\` (at most \`maxNodes\` addresses, least recently active evicted, each with
  its \`maxNeighbors\` latest counterparties; hop searches do not cross exchanges). The graph is
  state shared by the keys of one pipeline, not per-key state: \`AmlContext.toJSON()\` /
  \`restoreState()\` checkpoint it with the stream's labels (the loaded lists are not in it).
  Every runtime computes them: \`run\`, \`replay\` and the embedded runtime take
  \`firstStageFeatures(new AmlContext(book))\` over the lists \`aml.dir\` names
  ([configuration](configuration.md#aml--the-address-risk-lists); none by default), \`evaluate\`
  over \`--aml DIR\`; in \`run\` each partition task has a context of its own
  ([operations](operations.md#address-features-per-partition)).
- Cross-asset: a second stage. \`CrossAssetStage.onMid(venue, symbol, mid, eventTime)\` takes the
  mid of every venue-symbol; its \`PairTracker\` pairs the same asset across venues (cross-venue;
  leg B is the spot market) and different assets on one venue (cross-asset), samples both legs
  on a 500 ms event-time grid once the watermark (newest time - allowed lateness, 2 s) has
  passed, and feeds each pair's features; it returns one frame per pair and tick.
- Idle keys: \`KeyStore\` keeps per-key state in order of each key's newest event and drops keys
  idle for a given span of event time (or beyond a key budget); the cross-asset stage drops idle
  legs and their pairs itself. \`npx tsx bench/features.ts\` (with \`node --expose-gc --import tsx\`
  for exact sizes) prints updates per second and bytes of state per key for 10,000 keys.

## Limits
- \`order_arrival_rate\`, \`cancel_rate\` and \`order_distance_from_mid\` need the venue's own order
  entries and stay undefined on public feeds; \`cancel_to_trade\` and \`order_to_trade\` are 0 there,
  and \`wash_trade_share\` is 0 because public trades name no accounts.
- \`mid_return\` and \`realized_volatility\` follow the fair price forward in event time and skip a
  late book change; every other windowed or decaying feature places late events by their time.
- Address exposure is as of the key's latest event: a label or a transfer elsewhere in the graph
  reaches a key's \`address_risk\` and \`flagged_hops\` at its next event. In the distributed mode
  each partition task's graph holds the transfers of its partition: direct (one-hop) exposure is
  exact, since a transfer is delivered to both its addresses' keys in the task that reads it;
  longer paths whose hops were published to other partitions are missed (unless transfers are
  keyed by chain, [operations](operations.md#address-features-per-partition)).
`;

/** The catalogue as the Markdown of docs/features.md. */
export function catalogueMarkdown(c: Catalogue): string {
  const lines: string[] = [INTRO];
  lines.push(
    `## Summary\n\n${c.count} features: ${Object.entries(c.families)
      .map(([f, n]) => `${n} ${f}`)
      .join(', ')}.\n`,
  );
  lines.push('| feature | family | key | unit | reveals |', '| --- | --- | --- | --- | --- |');
  for (const e of c.features)
    lines.push(
      `| [${e.name}](#${e.name}) | ${e.family} | ${e.keyKind} | ${cell(e.unit)} | ${cell(e.reveals)} |`,
    );
  lines.push('');
  for (const family of Object.keys(FAMILY_TITLE)) {
    const fs = c.features.filter((e) => e.family === family);
    if (fs.length === 0) continue;
    lines.push(`## ${FAMILY_TITLE[family]}\n`);
    for (const e of fs) {
      lines.push(
        `### ${e.name}\n`,
        `${e.description}\n`,
        `- formula: \`${e.formula}\``,
        `- window: ${e.window}`,
        `- unit: ${e.unit}`,
        `- key: ${e.keyKind}${e.pairKinds ? ` (${e.pairKinds.join(', ')} pairs)` : ''}`,
        `- inputs: ${e.inputs.join(', ')}`,
        `- parameters: ${params(e)}`,
        `- reveals: ${e.reveals}\n`,
      );
    }
  }
  return lines.join('\n');
}

/** A plain-text table for the terminal. */
export function catalogueTable(c: Catalogue): string {
  const rows = c.features.map((e) => [e.name, e.family, e.keyKind, e.unit, e.window]);
  const head = ['feature', 'family', 'key', 'unit', 'window'];
  const width = head.map((h, i) => Math.min(48, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
  const fmt = (r: string[]) =>
    r
      .map((x, i) => (x.length > width[i]! ? x.slice(0, width[i]! - 1) + '…' : x.padEnd(width[i]!)))
      .join('  ')
      .trimEnd();
  return [fmt(head), fmt(width.map((w) => '-'.repeat(w))), ...rows.map(fmt)].join('\n');
}
