/**
 * Worker-thread entry of StreamingIsolationForest's background refits: receives a training matrix,
 * fits a forest and sends its flat arrays back (transferred, not copied). Runs only inside the
 * worker that StreamingIsolationForest starts (marked by `workerData.kind`), so importing this
 * module anywhere else, even from another worker, does nothing.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { fitIsolationForest, type ForestArrays } from './isolationForest.ts';

/** Marks the worker as ours in `workerData.kind`. */
export const FIT_WORKER_KIND = 'flowguard-isolation-forest-fit';

/** A fit to run: row-major training rows and the forest's hyper-parameters. */
export interface FitRequest {
  id: number;
  data: Float64Array;
  rows: number;
  dims: number;
  trees: number;
  sampleSize: number;
  seed: number;
}

/** The fitted forest's arrays, or the error that stopped the fit. */
export type FitReply =
  { id: number; arrays: ForestArrays; sampleSize: number } | { id: number; error: string };

const port = parentPort;
if (!isMainThread && port && (workerData as { kind?: unknown } | null)?.kind === FIT_WORKER_KIND) {
  port.on('message', (req: FitRequest) => {
    try {
      const forest = fitIsolationForest(
        { data: req.data, rows: req.rows, dims: req.dims },
        { trees: req.trees, sampleSize: req.sampleSize, seed: req.seed },
      );
      const a = forest.forestArrays;
      const reply: FitReply = { id: req.id, arrays: a, sampleSize: forest.sampleSize };
      port.postMessage(reply, [
        a.roots.buffer,
        a.feature.buffer,
        a.threshold.buffer,
        a.left.buffer,
        a.right.buffer,
        a.size.buffer,
        a.missingLeft.buffer,
      ] as ArrayBuffer[]);
    } catch (err) {
      port.postMessage({
        id: req.id,
        error: err instanceof Error ? err.message : String(err),
      } satisfies FitReply);
    }
  });
}
