import { SCHEMA_VERSION } from '../schemas/common.ts';
import type { Alert } from '../schemas/alert.ts';
import type { Command, Scope } from '../schemas/command.ts';
import type { KeyKind } from '../schemas/feature.ts';
import type { Contribution } from '../schemas/score.ts';
import type { InfluxHistory } from '../sinks/influx/influxHistory.ts';
import type { AnomalyRecord, HistoryPage, HistoryQuery, HistoryStore } from './historyStore.ts';

// With no `to`, up to a year ahead: the embedded demo's event time runs ahead of the wall clock.
const OPEN_END_MS = 365 * 86_400_000;

/** The subject fields a stored key spells out: `vs:venue:symbol`, `sym:S`, `addr:A`, `asset:X`. */
function subjectOf(key: string): {
  keyKind: KeyKind;
  venue?: string;
  symbol?: string;
  address?: string;
  asset?: string;
} {
  const [prefix, a, b] = key.split(':');
  switch (prefix) {
    case 'vs':
      return { keyKind: 'venue-symbol', ...(a ? { venue: a } : {}), ...(b ? { symbol: b } : {}) };
    case 'sym':
      return { keyKind: 'symbol', ...(a ? { symbol: a } : {}) };
    case 'addr':
      return { keyKind: 'address', ...(a ? { address: a } : {}) };
    default:
      return { keyKind: 'asset', ...(a ? { asset: a } : {}) };
  }
}

function scopeOf(key: string, venue?: string, symbol?: string): Scope {
  const s = subjectOf(key);
  if (key === 'global') return { level: 'global', key };
  if (key.startsWith('venue:')) return { level: 'venue', key, venue: venue ?? key.slice(6) };
  if (key.startsWith('acct:')) return { level: 'account', key, account: key.slice(5) };
  const level =
    s.keyKind === 'venue-symbol' ? 'venue-symbol' : s.keyKind === 'address' ? 'address' : 'symbol';
  return {
    level,
    key,
    ...((venue ?? s.venue) ? { venue: venue ?? s.venue } : {}),
    ...((symbol ?? s.symbol) ? { symbol: symbol ?? s.symbol } : {}),
    ...(s.address ? { address: s.address } : {}),
  };
}

/** One page from `limit + 1` rows: the extra row only says that there is a next page. */
function pageOf<T>(rows: readonly T[], q: HistoryQuery): HistoryPage<T> {
  return {
    items: rows.slice(0, q.limit),
    limit: q.limit,
    offset: q.offset,
    nextOffset: rows.length > q.limit ? q.offset + q.limit : null,
  };
}

/**
 * The desk's history over InfluxDB, through the Flux queries of sinks/influx/influxHistory.ts:
 * alerts from the `alert` measurement, commands from `command`, anomalies from `score` (each stored
 * detector score at or above `minScore`), newest first as the desk's store promises. Points written
 * before the writer stored them come back without an alert's triggering event ids and with the
 * reason code `UNRECORDED`.
 */
export function influxHistoryStore(influx: InfluxHistory): HistoryStore {
  const ask = (q: HistoryQuery) => ({
    from: new Date(q.from),
    to: new Date(q.to ?? Date.now() + OPEN_END_MS),
    ...(q.symbol !== undefined ? { symbol: q.symbol } : {}),
    ...(q.venue !== undefined ? { venue: q.venue } : {}),
    ...(q.detector !== undefined ? { detector: q.detector } : {}),
    ...(q.minScore !== undefined ? { minScore: q.minScore } : {}),
    limit: q.limit + 1,
    offset: q.offset,
    newestFirst: true,
  });
  return {
    async queryAlerts(q) {
      const rows = await influx.anomalies(ask(q));
      return pageOf(
        rows.map((r): Alert => ({
          schemaVersion: SCHEMA_VERSION,
          alertId: r.alertId,
          key: r.key,
          ...subjectOf(r.key),
          ...(r.venue ? { venue: r.venue } : {}),
          ...(r.symbol ? { symbol: r.symbol } : {}),
          ...(r.address ? { address: r.address } : {}),
          eventTime: r.eventTime,
          detector: r.detector,
          score: r.score,
          severity: r.severity as Alert['severity'],
          message: r.message,
          topFeatures: (Array.isArray(r.topFeatures) ? r.topFeatures : []) as Contribution[],
          triggeringEventIds: r.triggeringEventIds,
        })),
        q,
      );
    },
    async queryCommands(q) {
      const rows = await influx.commands(ask(q));
      return pageOf(
        rows.map((r): Command => ({
          schemaVersion: SCHEMA_VERSION,
          commandId: r.commandId,
          sequence: r.sequence,
          action: r.action as Command['action'],
          scope: scopeOf(r.scope, r.venue, r.symbol),
          eventTime: r.eventTime,
          issuedAt: r.issuedAt,
          reason: { code: r.reasonCode, text: r.reason },
          ...(r.evidence ? { evidence: r.evidence as Command['evidence'] } : {}),
          ...(r.expiresAt !== undefined ? { expiresAt: r.expiresAt } : {}),
          ...(r.magnitude !== undefined ? { magnitude: r.magnitude } : {}),
          ...(r.issuedBy ? { issuedBy: r.issuedBy } : {}),
        })),
        q,
      );
    },
    async queryAnomalies(q) {
      const rows = await influx.scores(ask(q));
      return pageOf(
        rows.map((r): AnomalyRecord => {
          const s = subjectOf(r.key);
          return {
            time: Date.parse(r.time),
            key: r.key,
            ...(s.symbol ? { symbol: s.symbol } : {}),
            ...(s.venue ? { venue: s.venue } : {}),
            ...(s.address ? { address: s.address } : {}),
            detector: r.detector,
            score: r.score,
            topFeatures: [],
          };
        }),
        q,
      );
    },
  };
}
