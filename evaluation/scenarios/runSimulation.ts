import { lastValueFrom, defaultIfEmpty, tap } from 'rxjs';
import { detectorFeatures, detectorSlots } from '../../detectors/detectorSet.ts';
import { AddressRiskBook, AmlContext, firstStageFeatures, type RiskLists } from '../../features/index.ts';
import { newDecodeStats } from '../../pipelines/decode.ts';
import type { DetectorSlot } from '../../pipelines/scoreDetectors.ts';
import type { Alert } from '../../schemas/alert.ts';
import type { Command } from '../../schemas/command.ts';
import { Config, type DetectorsConfig, type PolicyConfig } from '../../schemas/config.ts';
import type { AmlLists } from '../../simulator/addressBook.ts';
import { eventSource } from '../../simulator/eventSource.ts';
import type { GroundTruth } from '../../simulator/scenario.ts';
import { simulate, type ScheduledScenario } from '../../simulator/simulate.ts';
import { evaluationPipeline } from './evaluationPipeline.ts';

/** One point of a key's trace: the last frame of a time bucket. */
export interface TracePoint {
  readonly t: number;
  readonly mid: number;
  readonly values: Float64Array;
  /** Calibrated score per detector, in the order of the trace's `detectors`. */
  readonly scores: Float64Array;
}

export interface KeyTrace {
  readonly key: string;
  readonly names: readonly string[];
  readonly detectors: readonly string[];
  readonly points: TracePoint[];
}

export interface TraceRequest {
  readonly keys: ReadonlySet<string>;
  readonly from: number;
  readonly to: number;
  readonly bucketMs: number;
}

export interface RunOptions {
  readonly seed: number;
  readonly durationMs: number;
  readonly scenarios: readonly ScheduledScenario[];
  readonly aml: AmlLists;
  readonly riskLists: RiskLists;
  readonly policy: PolicyConfig;
  /** The detector set, as the runtimes select it (default: the default configuration's `detectors`). */
  readonly detectorSet?: DetectorsConfig;
  /** Slots of the caller's instead of `detectorSet` (experiments); the rules' features are computed too. */
  readonly detectors?: () => DetectorSlot[];
  /** Keys and the time range to keep traces of (for the HTML report). */
  readonly trace?: (truths: readonly GroundTruth[]) => TraceRequest | undefined;
}

export interface RunResult {
  readonly startTime: number;
  readonly durationMs: number;
  readonly truths: readonly GroundTruth[];
  readonly alerts: readonly Alert[];
  readonly commands: readonly Command[];
  readonly events: number;
  readonly deadLetters: number;
  readonly elapsedMs: number;
  readonly traces: readonly KeyTrace[];
}

/** The simulation's start: a fixed instant, so that ids and times depend on the seed only. */
export const SIMULATION_START = Date.UTC(2026, 0, 5, 14, 0, 0);

/**
 * Runs a seeded simulation (normal flow plus scheduled scenarios) through the evaluation pipeline
 * and collects every alert and command, and traces of the keys the report will chart.
 */
export async function runSimulation(o: RunOptions): Promise<RunResult> {
  const truths: GroundTruth[] = [];
  const book = new AddressRiskBook();
  book.replace(o.riskLists);
  const set = o.detectorSet ?? Config.parse({}).detectors;
  // Fresh per run: the rules' venue_premium board must not carry one run's prices into the next.
  const features = detectorFeatures(
    firstStageFeatures(new AmlContext(book)),
    o.detectors ? { ...set, rules: true } : set,
  );
  const stats = newDecodeStats();
  const alerts: Alert[] = [];
  const commands: Command[] = [];
  const traces = new Map<string, KeyTrace>();
  let trace: TraceRequest | undefined;
  let tracedTruths = -1;
  const started = performance.now();
  const events = simulate({
    seed: o.seed,
    startTime: SIMULATION_START,
    durationMs: o.durationMs,
    aml: o.aml,
    scenarios: o.scenarios,
    onTruth: (t) => void truths.push(t),
  });
  await lastValueFrom(
    eventSource(events).pipe(
      evaluationPipeline({
        features,
        detectors: o.detectors ? o.detectors() : detectorSlots(set),
        policy: o.policy,
        stats,
      }),
      tap((out) => {
        if ('staleAlert' in out) {
          alerts.push(out.staleAlert);
          return;
        }
        const d = out.decision;
        for (const a of d.alerts) alerts.push(a);
        for (const c of d.commands) commands.push(c);
        if (tracedTruths !== truths.length) {
          tracedTruths = truths.length;
          trace = o.trace?.(truths);
        }
        const f = d.scored.frame;
        if (!trace || !trace.keys.has(f.subject.key) || f.eventTime < trace.from || f.eventTime > trace.to)
          return;
        let kt = traces.get(f.subject.key);
        if (!kt) {
          kt = {
            key: f.subject.key,
            names: f.names,
            detectors: d.scored.scores.map((s) => s.detector),
            points: [],
          };
          traces.set(f.subject.key, kt);
        }
        const point: TracePoint = {
          t: f.eventTime,
          mid: f.mid,
          values: Float64Array.from(f.values),
          scores: Float64Array.from(
            kt.detectors,
            (name) => d.scored.scores.find((s) => s.detector === name)?.score ?? Number.NaN,
          ),
        };
        const last = kt.points.at(-1);
        if (last && Math.floor(last.t / trace.bucketMs) === Math.floor(f.eventTime / trace.bucketMs))
          kt.points[kt.points.length - 1] = point;
        else kt.points.push(point);
      }),
      defaultIfEmpty(null),
    ),
  );
  return {
    startTime: SIMULATION_START,
    durationMs: o.durationMs,
    truths,
    alerts,
    commands,
    events: stats.events,
    deadLetters: stats.deadLetters,
    elapsedMs: performance.now() - started,
    traces: [...traces.values()],
  };
}
