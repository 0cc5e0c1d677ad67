/**
 * Worker-thread entry of the scenario suite: loads the AML lists once, then runs the jobs it is
 * sent one at a time and posts each result back. Only acts inside a worker started by
 * `evaluateSuite` (marked by `workerData.kind`), so importing it elsewhere does nothing.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { loadJobContext, runJob, type JobContext, type SuiteJob } from './suiteJob.ts';

export const SUITE_WORKER_KIND = 'flowguard-scenario-suite';

const port = parentPort;
const data = workerData as { kind?: unknown; amlDir?: string } | null;
if (!isMainThread && port && data?.kind === SUITE_WORKER_KIND) {
  let ctx: Promise<JobContext> | undefined;
  port.on('message', (msg: { id: number; job: SuiteJob }) => {
    ctx ??= loadJobContext(data.amlDir!);
    ctx
      .then((c) => runJob(msg.job, c))
      .then((result) => port.postMessage({ id: msg.id, result }))
      .catch((err: unknown) =>
        port.postMessage({
          id: msg.id,
          error: err instanceof Error ? (err.stack ?? err.message) : String(err),
        }),
      );
  });
}
