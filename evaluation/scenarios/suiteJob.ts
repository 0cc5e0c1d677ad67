import { loadRiskLists, riskListSourcesIn, type RiskLists } from '../../features/index.ts';
import { Config, type DetectorsConfig } from '../../schemas/config.ts';
import { readAmlLists, type AmlLists } from '../../simulator/addressBook.ts';
import { scenarioNamed } from '../../simulator/scenarios/index.ts';
import type { GroundTruth } from '../../simulator/scenario.ts';
import { scoreNormalFlow, scoreScenario, type NormalFlowOutcome, type ScenarioOutcome } from './detection.ts';
import { runSimulation, type KeyTrace } from './runSimulation.ts';

/** One simulation of the suite: the normal flow alone, or one scenario inside it. */
export type SuiteJob = (
  | { readonly kind: 'normal'; readonly seed: number; readonly durationMs: number; readonly warmupMs: number }
  | {
      readonly kind: 'scenario';
      readonly seed: number;
      readonly name: string;
      readonly startMs: number;
      readonly tailMs: number;
    }
) & {
  /** The detector set (`detectors` of the configuration); default the default configuration's. */
  readonly detectors?: DetectorsConfig;
};

export type JobResult =
  | {
      readonly kind: 'normal';
      readonly outcome: NormalFlowOutcome;
      readonly events: number;
      readonly elapsedMs: number;
    }
  | {
      readonly kind: 'scenario';
      readonly outcome: ScenarioOutcome;
      readonly truth: GroundTruth;
      readonly traces: readonly KeyTrace[];
      readonly events: number;
      readonly elapsedMs: number;
    };

/** Lists a process loads once and every job of it shares. */
export interface JobContext {
  readonly aml: AmlLists;
  readonly riskLists: RiskLists;
}

export async function loadJobContext(amlDir: string): Promise<JobContext> {
  return { aml: readAmlLists(amlDir), riskLists: (await loadRiskLists(riskListSourcesIn(amlDir))).lists };
}

/** How much of a run before and after the scenario the report charts. */
const TRACE_BEFORE_MS = 90_000;
const TRACE_AFTER_MS = 30_000;
/** Every venue-symbol key is traced, so the report can show the scenario's key against the others. */
const MAX_TRACED_KEYS = 6;

/** Runs one job: the simulation through the pipeline, scored against its ground truth. */
export async function runJob(job: SuiteJob, ctx: JobContext): Promise<JobResult> {
  const policy = Config.parse({}).policy;
  const detectorSet = job.detectors ?? Config.parse({}).detectors;
  if (job.kind === 'normal') {
    const r = await runSimulation({
      seed: job.seed,
      durationMs: job.durationMs,
      scenarios: [],
      policy,
      detectorSet,
      ...ctx,
    });
    return {
      kind: 'normal',
      outcome: scoreNormalFlow(r.startTime, r.durationMs, job.warmupMs, r.alerts, r.commands),
      events: r.events,
      elapsedMs: r.elapsedMs,
    };
  }
  const scenario = scenarioNamed(job.name);
  if (!scenario) throw new RangeError(`no scenario named '${job.name}'`);
  const r = await runSimulation({
    seed: job.seed,
    durationMs: job.startMs + scenario.durationMs + job.tailMs,
    scenarios: [{ scenario, startMs: job.startMs }],
    policy,
    detectorSet,
    ...ctx,
    trace: (truths) => {
      const t = truths[0];
      if (!t) return undefined;
      return {
        keys: new Set(t.keys.slice(0, MAX_TRACED_KEYS)),
        from: t.start - TRACE_BEFORE_MS,
        to: t.end + TRACE_AFTER_MS,
        bucketMs: 250,
      };
    },
  });
  const truth = r.truths[0]!;
  return {
    kind: 'scenario',
    outcome: scoreScenario(truth, r.alerts, r.commands),
    truth,
    traces: r.traces,
    events: r.events,
    elapsedMs: r.elapsedMs,
  };
}
