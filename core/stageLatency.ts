import { LatencyRecorder } from './latency.ts';

/**
 * The stages of the command path, from an event's arrival to the engine's acknowledgement:
 * `decode` (arrival to validated event, source queueing included), `features`, `detectors`,
 * `policy`, `produce` (decision to the engine transport: in process, Kafka or webhook round trip
 * less the engine's own time), `engine-apply` (the engine's time, reported in the ack), and the
 * whole `event-to-ack`.
 */
export const COMMAND_PATH = [
  'decode',
  'features',
  'detectors',
  'policy',
  'produce',
  'engine-apply',
  'event-to-ack',
] as const;
export type PathStage = (typeof COMMAND_PATH)[number];

type Summary = ReturnType<LatencyRecorder['summary']>;

/**
 * Latency histograms per stage of the command path (ms, exact percentiles over a bounded
 * reservoir), for `flowguard bench` and the demo; every sample is also handed to `onSample`, which
 * the runtimes point at the Prometheus histogram (core/metrics.ts observeStageLatency).
 *
 * The hot-path stages run synchronously one after the other for each message, so `begin` at a
 * message's arrival and `mark(stage)` as it leaves each stage read `performance.now()` once per
 * stage, and the differences are the stages' times.
 */
export class StageLatency {
  private readonly recorders = new Map<PathStage, LatencyRecorder>();
  private last = Number.NaN;

  constructor(
    private readonly onSample?: (stage: PathStage, ms: number) => void,
    private readonly capacity = 50_000,
  ) {
    for (const s of COMMAND_PATH) this.recorders.set(s, new LatencyRecorder(capacity));
  }

  /** One sample of a stage, ms. */
  record(stage: PathStage, ms: number): void {
    if (!(ms >= 0)) return;
    this.recorders.get(stage)!.record(ms);
    this.onSample?.(stage, ms);
  }

  /** A message arrived at `arrivalMs` (performance.now() time) and is about to be decoded. */
  begin(arrivalMs: number): void {
    this.last = arrivalMs;
  }

  /** The current message left `stage`: records the time since the previous mark. */
  mark(stage: PathStage): void {
    const now = performance.now();
    if (!Number.isNaN(this.last)) this.record(stage, now - this.last);
    this.last = now;
  }

  /** performance.now() of the last mark: where `produce` starts for a decision just made. */
  get lastMark(): number {
    return this.last;
  }

  recorder(stage: PathStage): LatencyRecorder {
    return this.recorders.get(stage)!;
  }

  /** count, p50, p99, max and mean per stage, in path order. */
  summary(): Record<PathStage, Summary> {
    const out = {} as Record<PathStage, Summary>;
    for (const s of COMMAND_PATH) out[s] = this.recorders.get(s)!.summary();
    return out;
  }
}
