import { InfluxDB, flux, fluxExpression, type QueryApi } from '@influxdata/influxdb-client';

/** A history query: a time range and optional filters, paged. */
export interface HistoryQuery {
  from: Date;
  to: Date;
  symbol?: string;
  venue?: string;
  detector?: string;
  minScore?: number;
  limit?: number;
  offset?: number;
  /** Newest first (the risk desk's order); oldest first by default. */
  newestFirst?: boolean;
}

/** An anomaly (alert) as stored: tags and fields of one `alert` point. */
export interface AnomalyRecord {
  time: string;
  eventTime: number;
  key: string;
  symbol?: string;
  venue?: string;
  address?: string;
  detector: string;
  severity: string;
  score: number;
  alertId: string;
  message: string;
  topFeatures: unknown;
  triggeringEventIds: string[];
}

export interface CommandRecord {
  time: string;
  eventTime: number;
  scope: string;
  action: string;
  symbol?: string;
  venue?: string;
  commandId: string;
  sequence: number;
  reasonCode: string;
  reason: string;
  evidence: unknown;
  issuedAt: number;
  expiresAt?: number;
  magnitude?: number;
  issuedBy?: { user: string; why: string };
}

function filters(q: HistoryQuery, tags: readonly ('symbol' | 'venue' | 'detector')[]) {
  const parts = [];
  for (const t of tags) {
    const v = q[t];
    if (v !== undefined) parts.push(flux`|> filter(fn: (r) => r[${t}] == ${v})`);
  }
  return fluxExpression(parts.map(String).join('\n  '));
}

/** A JSON array of strings stored in a string field (older points lack it: empty). */
function stringArray(v: unknown): string[] {
  if (typeof v !== 'string') return [];
  const a = JSON.parse(v) as unknown;
  return Array.isArray(a) ? a.map(String) : [];
}

const page = (q: HistoryQuery) =>
  flux`|> sort(columns: ["_time"], desc: ${q.newestFirst === true})
  |> limit(n: ${Math.max(1, Math.min(q.limit ?? 1000, 10_000))}, offset: ${Math.max(0, q.offset ?? 0)})`;

/**
 * Reads flowguard's history back from InfluxDB with Flux: anomalies (alerts) and commands in a
 * time range, filtered by symbol, venue, detector and minimum score, oldest (or newest) first, paged.
 */
export class InfluxHistory {
  private readonly api: QueryApi;

  constructor(
    url: string,
    token: string,
    org: string,
    private readonly bucket: string,
  ) {
    this.api = new InfluxDB({ url, token, timeout: 30_000 }).getQueryApi(org);
  }

  async anomalies(q: HistoryQuery): Promise<AnomalyRecord[]> {
    const min = q.minScore ?? 0;
    const query = flux`import "influxdata/influxdb/schema"
from(bucket: ${this.bucket})
  |> range(start: ${q.from}, stop: ${q.to})
  |> filter(fn: (r) => r._measurement == "alert")
  ${filters(q, ['symbol', 'venue', 'detector'])}
  |> schema.fieldsAsCols()
  |> filter(fn: (r) => r.score >= ${min})
  |> group()
  ${page(q)}`;
    const rows = await this.api.collectRows<Record<string, unknown>>(query);
    return rows.map((r) => ({
      time: String(r['_time']),
      eventTime: Date.parse(String(r['_time'])),
      key: String(r['key']),
      ...(r['symbol'] ? { symbol: String(r['symbol']) } : {}),
      ...(r['venue'] ? { venue: String(r['venue']) } : {}),
      ...(r['address'] ? { address: String(r['address']) } : {}),
      detector: String(r['detector']),
      severity: String(r['severity']),
      score: Number(r['score']),
      alertId: String(r['alert_id']),
      message: String(r['message'] ?? ''),
      topFeatures: JSON.parse(String(r['top_features'] ?? '[]')) as unknown,
      triggeringEventIds: stringArray(r['triggering_event_ids']),
    }));
  }

  async commands(q: HistoryQuery): Promise<CommandRecord[]> {
    const query = flux`import "influxdata/influxdb/schema"
from(bucket: ${this.bucket})
  |> range(start: ${q.from}, stop: ${q.to})
  |> filter(fn: (r) => r._measurement == "command")
  ${filters(q, ['symbol', 'venue'])}
  |> schema.fieldsAsCols()
  |> group()
  ${page(q)}`;
    const rows = await this.api.collectRows<Record<string, unknown>>(query);
    return rows.map((r) => ({
      time: String(r['_time']),
      eventTime: Date.parse(String(r['_time'])),
      scope: String(r['scope']),
      action: String(r['action']),
      ...(r['symbol'] ? { symbol: String(r['symbol']) } : {}),
      ...(r['venue'] ? { venue: String(r['venue']) } : {}),
      commandId: String(r['command_id']),
      sequence: Number(r['sequence']),
      reasonCode: String(r['reason_code'] ?? 'UNRECORDED'),
      reason: String(r['reason'] ?? ''),
      evidence: JSON.parse(String(r['evidence'] ?? 'null')) as unknown,
      issuedAt: Number(r['issued_at']),
      ...(typeof r['expires_at'] === 'number' ? { expiresAt: r['expires_at'] } : {}),
      ...(typeof r['magnitude'] === 'number' ? { magnitude: r['magnitude'] } : {}),
      ...(typeof r['issued_by'] === 'string'
        ? { issuedBy: { user: r['issued_by'], why: String(r['issued_by_why'] ?? '') } }
        : {}),
    }));
  }

  /** Scores of one detector (or all) per key over time, for charts. */
  async scores(q: HistoryQuery): Promise<{ time: string; key: string; detector: string; score: number }[]> {
    const min = q.minScore ?? 0;
    const query = flux`from(bucket: ${this.bucket})
  |> range(start: ${q.from}, stop: ${q.to})
  |> filter(fn: (r) => r._measurement == "score" and r._field == "score")
  ${filters(q, ['symbol', 'venue', 'detector'])}
  |> filter(fn: (r) => r._value >= ${min})
  |> group()
  ${page(q)}`;
    const rows = await this.api.collectRows<Record<string, unknown>>(query);
    return rows.map((r) => ({
      time: String(r['_time']),
      key: String(r['key']),
      detector: String(r['detector']),
      score: Number(r['_value']),
    }));
  }
}
