import type { Alert } from '../schemas/alert.ts';
import type { Command } from '../schemas/command.ts';
import type { AnomalyRecord, HistoryPage, HistoryQuery, HistoryStore } from './historyStore.ts';

interface Filterable {
  time: number;
  symbol?: string | undefined;
  venue?: string | undefined;
  detector?: string | undefined;
  score?: number | undefined;
}

/** A ring of records in arrival order, with a filter-and-page query newest first. */
class Ring<T> {
  private readonly items: { f: Filterable; value: T }[] = [];
  constructor(private readonly capacity: number) {}

  add(f: Filterable, value: T): void {
    this.items.push({ f, value });
    if (this.items.length > this.capacity) this.items.shift();
  }

  query(q: HistoryQuery): HistoryPage<T> {
    const out: T[] = [];
    let skipped = 0;
    let more = false;
    for (let i = this.items.length - 1; i >= 0; i--) {
      const { f, value } = this.items[i]!;
      if (f.time < q.from || (q.to !== undefined && f.time >= q.to)) continue;
      if (q.symbol !== undefined && f.symbol !== q.symbol) continue;
      if (q.venue !== undefined && f.venue !== q.venue) continue;
      if (q.detector !== undefined && f.detector !== q.detector) continue;
      if (q.minScore !== undefined && !(f.score !== undefined && f.score >= q.minScore)) continue;
      if (skipped < q.offset) {
        skipped++;
        continue;
      }
      if (out.length === q.limit) {
        more = true;
        break;
      }
      out.push(value);
    }
    // Newest first by arrival, which is event order: the pipeline processes events in time order.
    return { items: out, limit: q.limit, offset: q.offset, nextOffset: more ? q.offset + q.limit : null };
  }
}

/**
 * History kept in memory for the embedded mode: the last `capacity` anomalies, alerts and commands.
 * Anomalies come from what the pipeline exposes in process: every alert's detector score.
 */
export class MemoryHistory implements HistoryStore {
  private readonly anomalies: Ring<AnomalyRecord>;
  private readonly alerts: Ring<Alert>;
  private readonly commands: Ring<Command>;

  constructor(capacity = 50_000) {
    this.anomalies = new Ring(capacity);
    this.alerts = new Ring(capacity);
    this.commands = new Ring(capacity);
  }

  addAnomaly(a: AnomalyRecord): void {
    this.anomalies.add(
      { time: a.time, symbol: a.symbol, venue: a.venue, detector: a.detector, score: a.score },
      a,
    );
  }

  addAlert(a: Alert): void {
    this.alerts.add(
      { time: a.eventTime, symbol: a.symbol, venue: a.venue, detector: a.detector, score: a.score },
      a,
    );
    this.addAnomaly({
      time: a.eventTime,
      key: a.key,
      ...(a.symbol !== undefined ? { symbol: a.symbol } : {}),
      ...(a.venue !== undefined ? { venue: a.venue } : {}),
      ...(a.address !== undefined ? { address: a.address } : {}),
      detector: a.detector,
      score: a.score,
      ...(a.triggeringEventIds[0] !== undefined ? { eventId: a.triggeringEventIds[0] } : {}),
      topFeatures: a.topFeatures,
    });
  }

  addCommand(c: Command): void {
    this.commands.add(
      {
        time: c.eventTime,
        symbol: c.scope.symbol,
        venue: c.scope.venue,
        detector: c.evidence?.detector,
        score: c.evidence?.score,
      },
      c,
    );
  }

  async queryAnomalies(q: HistoryQuery): Promise<HistoryPage<AnomalyRecord>> {
    return this.anomalies.query(q);
  }
  async queryAlerts(q: HistoryQuery): Promise<HistoryPage<Alert>> {
    return this.alerts.query(q);
  }
  async queryCommands(q: HistoryQuery): Promise<HistoryPage<Command>> {
    return this.commands.query(q);
  }
}
