import { Worker } from 'node:worker_threads';
import { Config, type DetectorsConfig } from '../../schemas/config.ts';
import type { GroundTruth } from '../../simulator/scenario.ts';
import { scenarios as suite } from '../../simulator/scenarios/index.ts';
import type { NormalFlowOutcome, ScenarioOutcome } from './detection.ts';
import type { KeyTrace } from './runSimulation.ts';
import { loadJobContext, runJob, type JobResult, type SuiteJob } from './suiteJob.ts';
import { SUITE_WORKER_KIND } from './suiteWorker.ts';

export interface SuiteOptions {
  readonly seed: number;
  readonly amlDir: string;
  /** Scenario names to run (default: the whole suite). */
  readonly only?: readonly string[];
  /** Simulated time before each scenario starts (detectors and rolling windows warm up). */
  readonly warmupMs?: number;
  /** Simulated time after a scenario ends, still in the run (late detections, resumes). */
  readonly tailMs?: number;
  /** Length of the normal-flow run and the warm-up excluded from its false-alarm count. */
  readonly normalMs?: number;
  readonly normalWarmupMs?: number;
  /** The detector set (`detectors` of the configuration); default the default configuration's. */
  readonly detectors?: DetectorsConfig;
  /** Worker threads (1: run inline). */
  readonly workers?: number;
  readonly progress?: (line: string) => void;
}

/** The evaluation result: deterministic for a seed (no wall-clock values in it). */
export interface SuiteResult {
  readonly seed: number;
  readonly scenarios: readonly ScenarioOutcome[];
  readonly normalFlow: NormalFlowOutcome;
  readonly summary: {
    readonly scenarios: number;
    readonly detected: number;
    readonly missed: readonly string[];
    readonly medianDetectionDelayMs: number | null;
    readonly events: number;
    readonly simulatedHours: number;
  };
  readonly settings: {
    readonly warmupMs: number;
    readonly tailMs: number;
    readonly normalMs: number;
    readonly normalWarmupMs: number;
    /** The detector set measured: the configuration's `detectors`. */
    readonly detectors: DetectorsConfig;
  };
}

/** What the HTML report needs besides the JSON. */
export interface SuiteArtifacts {
  readonly result: SuiteResult;
  readonly traces: ReadonlyMap<string, { truth: GroundTruth; traces: readonly KeyTrace[] }>;
  readonly elapsedMs: number;
}

export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Runs the labelled scenario suite for one seed: one run of normal flow alone (false alarms per
 * hour) and one run per scenario inside the same normal flow (detection and delay), on a pool of
 * worker threads. Results come back in suite order whatever the scheduling.
 */
export async function evaluateSuite(o: SuiteOptions): Promise<SuiteArtifacts> {
  const started = performance.now();
  const warmupMs = o.warmupMs ?? 360_000;
  const tailMs = o.tailMs ?? 30_000;
  const normalMs = o.normalMs ?? 3_600_000;
  const normalWarmupMs = o.normalWarmupMs ?? 300_000;
  const names = o.only ?? suite.map((s) => s.name);
  for (const n of names)
    if (!suite.some((s) => s.name === n)) throw new RangeError(`no scenario named '${n}'`);
  const detectors = o.detectors ?? Config.parse({}).detectors;
  const jobs: SuiteJob[] = [
    { kind: 'normal', seed: o.seed, durationMs: normalMs, warmupMs: normalWarmupMs, detectors },
    ...names.map((name) => ({
      kind: 'scenario' as const,
      seed: o.seed,
      name,
      startMs: warmupMs,
      tailMs,
      detectors,
    })),
  ];
  const results = await runPool(jobs, o);
  const outcomes: ScenarioOutcome[] = [];
  const traces = new Map<string, { truth: GroundTruth; traces: readonly KeyTrace[] }>();
  let normal: NormalFlowOutcome | undefined;
  let events = 0;
  let simulatedMs = normalMs;
  results.forEach((r, i) => {
    events += r.events;
    if (r.kind === 'normal') normal = r.outcome;
    else {
      outcomes.push(r.outcome);
      traces.set(r.outcome.name, { truth: r.truth, traces: r.traces });
      const job = jobs[i] as Extract<SuiteJob, { kind: 'scenario' }>;
      simulatedMs += job.startMs + (r.truth.end - r.truth.start) + tailMs;
    }
  });
  const delays = outcomes.flatMap((s) => (s.detectionDelayMs === null ? [] : [s.detectionDelayMs]));
  const result: SuiteResult = {
    seed: o.seed,
    scenarios: outcomes,
    normalFlow: normal!,
    summary: {
      scenarios: outcomes.length,
      detected: outcomes.filter((s) => s.detected).length,
      missed: outcomes.filter((s) => !s.detected).map((s) => s.name),
      medianDetectionDelayMs: median(delays),
      events,
      simulatedHours: Math.round((simulatedMs / 3_600_000) * 100) / 100,
    },
    settings: { warmupMs, tailMs, normalMs, normalWarmupMs, detectors },
  };
  return { result, traces, elapsedMs: performance.now() - started };
}

/** Runs the jobs on `workers` threads, longest first; results in job order. */
async function runPool(jobs: readonly SuiteJob[], o: SuiteOptions): Promise<JobResult[]> {
  const n = Math.max(1, Math.min(o.workers ?? 2, jobs.length));
  const results = new Array<JobResult>(jobs.length);
  const say = (i: number, r: JobResult) =>
    o.progress?.(
      `  ${jobs[i]!.kind === 'normal' ? 'normal flow' : (jobs[i] as { name: string }).name}: ${r.events} events in ${(r.elapsedMs / 1000).toFixed(1)} s` +
        (r.kind === 'scenario'
          ? `, ${r.outcome.detected ? `detected after ${r.outcome.detectionDelayMs} ms` : 'not detected'}`
          : ''),
    );
  if (n === 1) {
    const ctx = await loadJobContext(o.amlDir);
    for (let i = 0; i < jobs.length; i++) say(i, (results[i] = await runJob(jobs[i]!, ctx)));
    return results;
  }
  let next = 0;
  const workers = Array.from({ length: n }, () => startWorker(o.amlDir));
  try {
    await Promise.all(
      workers.map(async (w) => {
        while (next < jobs.length) {
          const i = next++;
          say(i, (results[i] = await w.run(i, jobs[i]!)));
        }
      }),
    );
  } finally {
    await Promise.all(workers.map((w) => w.close()));
  }
  return results;
}

function startWorker(amlDir: string) {
  const target = new URL('./suiteWorker.ts', import.meta.url).href;
  let tsx = '';
  if (target.endsWith('.ts')) tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `
    const { workerData } = require('node:worker_threads');
    (async () => {
      if (workerData.tsx) (await import(workerData.tsx)).register();
      await import(workerData.target);
    })().catch((err) => { setImmediate(() => { throw err; }); });`;
  const worker = new Worker(bootstrap, {
    eval: true,
    workerData: { kind: SUITE_WORKER_KIND, target, tsx, amlDir },
  });
  const waiting = new Map<number, { resolve: (r: JobResult) => void; reject: (e: Error) => void }>();
  worker.on('message', (m: { id: number; result?: JobResult; error?: string }) => {
    const w = waiting.get(m.id);
    waiting.delete(m.id);
    if (m.error !== undefined) w?.reject(new Error(m.error));
    else w?.resolve(m.result!);
  });
  worker.on('error', (err) => {
    for (const w of waiting.values()) w.reject(err);
    waiting.clear();
  });
  return {
    run: (id: number, job: SuiteJob) =>
      new Promise<JobResult>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker.postMessage({ id, job });
      }),
    close: () => worker.terminate().then(() => undefined),
  };
}
