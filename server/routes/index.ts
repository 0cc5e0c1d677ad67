import type { Route } from '../route.ts';
import { auditTrailRoute } from './auditTrail.ts';
import { createHaltRoute } from './createHalt.ts';
import { healthRoute } from './health.ts';
import { historyAlertsRoute } from './historyAlerts.ts';
import { historyAnomaliesRoute } from './historyAnomalies.ts';
import { historyCommandsRoute } from './historyCommands.ts';
import { listHaltsRoute } from './listHalts.ts';
import { metricsRoute } from './metrics.ts';
import { openapiRoute } from './openapi.ts';
import { readyRoute } from './ready.ts';
import { resumeRoute } from './resume.ts';
import { seriesRoute } from './series.ts';
import { assetsRoute, indexRoute } from './staticFiles.ts';
import { streamRoute } from './stream.ts';
import { whoamiRoute } from './whoami.ts';

/** Every route of the risk desk; each is described in server/openapi.json. */
export const routes: readonly Route[] = [
  indexRoute,
  assetsRoute,
  healthRoute,
  readyRoute,
  metricsRoute,
  openapiRoute,
  whoamiRoute,
  streamRoute,
  listHaltsRoute,
  createHaltRoute,
  resumeRoute,
  historyAnomaliesRoute,
  historyAlertsRoute,
  historyCommandsRoute,
  seriesRoute,
  auditTrailRoute,
];
