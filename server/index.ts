import type { AddressInfo } from 'node:net';
import type { RiskDeskDeps } from './deps.ts';
import { riskDeskServer } from './httpServer.ts';
import { routes } from './routes/index.ts';
import { ServiceError } from '../core/errors.ts';

export type { RiskDeskDeps } from './deps.ts';
export { AccessConfig } from './accessConfig.ts';
export { MemoryAuditLog, type AuditLog, type AuditEntry } from './audit.ts';
export type { HistoryStore, HistoryQuery, HistoryPage, AnomalyRecord } from './historyStore.ts';
export type { CommandGateway } from './commandGateway.ts';
export { embeddedDesk } from './embeddedDesk.ts';
export { distributedDesk } from './distributedDesk.ts';

/** A running risk desk. */
export interface RiskDesk {
  readonly url: string;
  readonly port: number;
  /** Ends live streams and stops listening. */
  close(): Promise<void>;
}

/**
 * Serves the risk desk (API, live streams, page, metrics) on `host:port`; port 0 takes a free one.
 * Binds to 127.0.0.1 unless told otherwise: exposing the desk is a deliberate choice.
 */
export async function startRiskDesk(
  deps: RiskDeskDeps,
  { port, host = '127.0.0.1' }: { port: number; host?: string },
): Promise<RiskDesk> {
  const server = riskDeskServer(deps, routes);
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) =>
      reject(
        new ServiceError(
          err.code === 'EADDRINUSE'
            ? `port ${port} on ${host} is in use: pass another --port (0 takes a free one)`
            : `cannot listen on ${host}:${port}: ${err.message}`,
          { cause: err, retriable: false },
        ),
      );
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${actual}/`,
    port: actual,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Live streams never end by themselves.
        server.closeAllConnections();
      }),
  };
}
