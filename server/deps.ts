import type { PolicyConfig } from '../schemas/config.ts';
import type { AccessConfig } from './accessConfig.ts';
import type { AuditLog } from './audit.ts';
import type { CommandGateway } from './commandGateway.ts';
import type { HaltsView } from './haltsView.ts';
import type { HistoryStore } from './historyStore.ts';
import type { LiveFeeds } from './liveFeeds.ts';
import type { SeriesStore } from './seriesStore.ts';

/**
 * Everything the risk desk's HTTP side needs, as interfaces, so that the embedded mode (in-memory
 * feeds, the in-process engine) and the distributed mode (Kafka, InfluxDB) plug in the same way.
 */
export interface RiskDeskDeps {
  readonly feeds: LiveFeeds;
  readonly halts: HaltsView;
  readonly gateway: CommandGateway;
  readonly history: HistoryStore;
  readonly audit: AuditLog;
  readonly access: AccessConfig;
  /** Thresholds drawn on the chart and the TTL of manual commands. */
  readonly policy: PolicyConfig;
  /** Price and score per key for the chart; without it the chart stays empty. */
  readonly series?: SeriesStore;
  /** Readiness checks by name; all must be true for /readyz to answer 200. */
  readonly readiness?: () => Promise<Record<string, boolean>>;
  /** "embedded" or "distributed", shown on the page. */
  readonly mode?: string;
  /** Server log: failures with their details, which clients never see. Default stderr. */
  readonly log?: (line: string) => void;
  /** Wall clock, epoch ms. */
  readonly now?: () => number;
  /** Largest request body accepted, bytes. */
  readonly bodyLimit?: number;
}
