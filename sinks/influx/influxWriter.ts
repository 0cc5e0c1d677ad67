import { InfluxDB, Point, type WriteApi } from '@influxdata/influxdb-client';
import { countSinkDropped, onScrape, setSinkBufferFill } from '../../core/metrics.ts';
import type { Decision } from '../../pipelines/envelope.ts';
import type { InfluxConfig } from '../../schemas/influxConfig.ts';
import type { Subject } from '../../schemas/feature.ts';
import type { Sink } from '../sink.ts';

/** What the InfluxDB sink has done so far: written, dropped (buffer full or retries exhausted), failures. */
export interface InfluxWriterStats {
  points: number;
  written: number;
  dropped: number;
  failedWrites: number;
  lastError: string | null;
}

function tagSubject(p: Point, s: Subject): Point {
  p.tag('key', s.key).tag('key_kind', s.keyKind);
  if (s.venue) p.tag('venue', s.venue);
  if (s.symbol) p.tag('symbol', s.symbol);
  if (s.address) p.tag('address', s.address);
  if (s.asset) p.tag('asset', s.asset);
  return p;
}

/**
 * History in InfluxDB: alerts, commands and scores of every decision, and one feature vector in
 * `featureSampleEvery` per key, as points with tags (key, venue, symbol, detector, severity, action)
 * and the triggering event's time in ms. `write` only hands points to the client's buffer: an
 * outage delays nothing upstream. The client batches, retries with backoff, and keeps at most
 * `maxBufferPoints` for retry; what it has to drop is counted in `stats.dropped`.
 */
export function influxWriter(config: InfluxConfig, token: string) {
  const stats: InfluxWriterStats = { points: 0, written: 0, dropped: 0, failedWrites: 0, lastError: null };
  const name = `influxdb:${config.bucket}`;
  const drop = (n: number) => {
    stats.dropped += n;
    countSinkDropped(name, n);
  };
  const featureCounters = new Map<string, number>();
  const api: WriteApi = new InfluxDB({ url: config.url, token, timeout: 10_000 }).getWriteApi(
    config.org,
    config.bucket,
    'ms',
    {
      batchSize: config.batchSize,
      flushInterval: config.flushIntervalMs,
      maxBufferLines: config.maxBufferPoints,
      maxRetries: config.maxRetries,
      maxRetryTime: config.maxRetryTimeMs,
      minRetryDelay: 500,
      maxRetryDelay: 15_000,
      exponentialBase: 2,
      writeSuccess(lines) {
        stats.written += lines.length;
      },
      writeFailed(error, lines, attempt, expires) {
        stats.failedWrites++;
        stats.lastError = error.message;
        // Returning nothing lets the client retry; past the last attempt or the deadline the lines are gone.
        if (attempt > config.maxRetries || Date.now() > expires) drop(lines.length);
      },
      writeRetrySkipped(entry) {
        drop(entry.lines.length);
      },
    },
  );

  const points = (d: Decision): Point[] => {
    const { frame } = d.scored;
    const out: Point[] = [];
    for (const s of d.scored.scores) {
      if (s.score < config.minScoreToWrite) continue;
      out.push(
        tagSubject(new Point('score'), frame.subject)
          .tag('detector', s.detector)
          .floatField('score', s.score)
          .floatField('raw', s.raw)
          .stringField('event_id', frame.eventId)
          .timestamp(frame.eventTime),
      );
    }
    for (const a of d.alerts) {
      out.push(
        tagSubject(new Point('alert'), a)
          .tag('detector', a.detector)
          .tag('severity', a.severity)
          .floatField('score', a.score)
          .stringField('alert_id', a.alertId)
          .stringField('message', a.message)
          .stringField('top_features', JSON.stringify(a.topFeatures))
          .stringField('triggering_event_ids', JSON.stringify(a.triggeringEventIds))
          .timestamp(a.eventTime),
      );
    }
    for (const c of d.commands) {
      const p = new Point('command')
        .tag('action', c.action)
        .tag('scope', c.scope.key)
        .tag('scope_level', c.scope.level);
      if (c.scope.venue) p.tag('venue', c.scope.venue);
      if (c.scope.symbol) p.tag('symbol', c.scope.symbol);
      p.stringField('command_id', c.commandId)
        .intField('sequence', c.sequence)
        .stringField('reason_code', c.reason.code)
        .stringField('reason', c.reason.text)
        .stringField('evidence', JSON.stringify(c.evidence ?? null))
        .intField('issued_at', c.issuedAt);
      if (c.expiresAt !== undefined) p.intField('expires_at', c.expiresAt);
      if (c.magnitude !== undefined) p.floatField('magnitude', c.magnitude);
      if (c.issuedBy)
        p.stringField('issued_by', c.issuedBy.user).stringField('issued_by_why', c.issuedBy.why);
      out.push(p.timestamp(c.eventTime));
    }
    if (config.featureSampleEvery > 0) {
      const n = (featureCounters.get(frame.subject.key) ?? 0) + 1;
      featureCounters.set(frame.subject.key, n % config.featureSampleEvery);
      if (n % config.featureSampleEvery === 1 || config.featureSampleEvery === 1) {
        const p = tagSubject(new Point('feature'), frame.subject);
        let any = false;
        frame.names.forEach((name, i) => {
          const v = frame.values[i]!;
          if (Number.isFinite(v)) {
            p.floatField(name, v);
            any = true;
          }
        });
        if (Number.isFinite(frame.mid)) {
          p.floatField('price', frame.mid);
          any = true;
        }
        if (any) out.push(p.timestamp(frame.eventTime));
      }
    }
    return out;
  };

  const bufferedPoints = () => stats.points - stats.written - stats.dropped;
  // Read at each scrape: how much of the retry buffer the outage (or a slow InfluxDB) has used.
  const unhook = onScrape(() => setSinkBufferFill(name, bufferedPoints() / config.maxBufferPoints));
  const sink: Sink<Decision> & { stats: InfluxWriterStats; bufferedPoints(): number } = {
    name,
    stats,
    bufferedPoints,
    write(batch) {
      for (const d of batch) {
        const ps = points(d);
        if (ps.length === 0) continue;
        stats.points += ps.length;
        api.writePoints(ps);
      }
    },
    async flush() {
      await api.flush(true).catch((err: unknown) => {
        stats.lastError = (err as Error).message;
      });
    },
    async close() {
      unhook();
      await api.close().catch((err: unknown) => {
        stats.lastError = (err as Error).message;
      });
    },
  };
  return sink;
}
