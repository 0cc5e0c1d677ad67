import { z } from 'zod';
import type { Alert } from '../schemas/alert.ts';
import type { Command } from '../schemas/command.ts';
import type { Contribution } from '../schemas/score.ts';

const DAY = 86_400_000;

/** Epoch ms or an ISO-8601 date-time, as query strings carry them. */
const Instant = z.union([
  z.coerce.number().int().nonnegative().max(8.64e15),
  z.iso.datetime({ offset: true }).transform((s) => Date.parse(s)),
]);
const Name = z.string().min(1).max(128);

/**
 * The filters every history query takes: `from` ≤ time < `to`, newest first. Without `to` there is
 * no upper bound (the embedded demo's event time runs ahead of the wall clock); without `from`,
 * 24 hours before `to` (or before now).
 */
export const HistoryQuery = z
  .object({
    from: Instant.optional(),
    to: Instant.optional(),
    symbol: Name.optional(),
    venue: Name.optional(),
    detector: Name.optional(),
    minScore: z.coerce.number().min(0).max(1).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  })
  .transform((q, ctx) => {
    const end = q.to ?? Date.now();
    const from = q.from ?? end - DAY;
    if (q.to !== undefined && from >= q.to)
      ctx.addIssue({ code: 'custom', path: ['from'], message: 'from must be before to' });
    if (end - from > 366 * DAY)
      ctx.addIssue({
        code: 'custom',
        path: ['from'],
        message: 'the range is longer than a year: narrow from/to',
      });
    return { ...q, from };
  });
export type HistoryQuery = z.output<typeof HistoryQuery>;

/** A detector score worth keeping (at or above the store's threshold), with its explanation. */
export interface AnomalyRecord {
  /** Event time, epoch ms. */
  readonly time: number;
  readonly key: string;
  readonly symbol?: string;
  readonly venue?: string;
  readonly address?: string;
  readonly detector: string;
  readonly score: number;
  readonly eventId?: string;
  readonly topFeatures: readonly Contribution[];
}

/** One page of results, newest first; `nextOffset` is null on the last page. */
export interface HistoryPage<T> {
  readonly items: readonly T[];
  readonly limit: number;
  readonly offset: number;
  readonly nextOffset: number | null;
}

/**
 * The query side of history: anomalies, alerts and commands between two instants, filtered and
 * paged. In memory for the embedded mode (memoryHistory.ts); over InfluxDB in distributed mode.
 * For commands, `detector` and `minScore` apply to the evidence, `symbol` and `venue` to the scope.
 */
export interface HistoryStore {
  queryAnomalies(q: HistoryQuery): Promise<HistoryPage<AnomalyRecord>>;
  queryAlerts(q: HistoryQuery): Promise<HistoryPage<Alert>>;
  queryCommands(q: HistoryQuery): Promise<HistoryPage<Command>>;
  /** Whether the backing store answers (readiness); absent means always ready. */
  ping?(): Promise<boolean>;
}
