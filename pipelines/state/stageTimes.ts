import { LatencyRecorder } from '../../core/latency.ts';

/** The stages of the hot path, in order, whose processing time an instance records per message. */
export const STAGES = ['decode', 'features', 'detectors', 'policy', 'deliver'] as const;
export type Stage = (typeof STAGES)[number];

/**
 * Processing time per stage of every message (ms, sub-millisecond resolution). The stages run
 * synchronously one after the other, so taps between them read `performance.now()` and the
 * differences are each stage's own time (a transfer delivered to two keys counts both).
 */
export class StageTimes {
  readonly recorders: Record<Stage, LatencyRecorder> = {
    decode: new LatencyRecorder(50_000),
    features: new LatencyRecorder(50_000),
    detectors: new LatencyRecorder(50_000),
    policy: new LatencyRecorder(50_000),
    deliver: new LatencyRecorder(50_000),
  };
  private t0 = 0;
  private last = 0;
  private reached = 0;

  /** A message enters decode. */
  start(): void {
    this.t0 = this.last = performance.now();
    this.reached = 0;
  }

  /** The message (or its first frame) left `stage`; later frames of the same message are not counted twice. */
  mark(stage: Stage, index: number): void {
    if (index < this.reached) return;
    const now = performance.now();
    this.recorders[stage].record(now - this.last);
    this.last = now;
    this.reached = index + 1;
  }

  /** The message is done: whatever ran since the last mark is the sinks' time. */
  end(): number {
    const now = performance.now();
    // A message that produced no event (a dead letter, a skipped line) spent its time decoding.
    this.recorders[this.reached > 0 ? 'deliver' : 'decode'].record(now - this.last);
    return now - this.t0;
  }

  summary(): Record<Stage, ReturnType<LatencyRecorder['summary']>> {
    const out = {} as Record<Stage, ReturnType<LatencyRecorder['summary']>>;
    for (const s of STAGES) out[s] = this.recorders[s].summary();
    return out;
  }
}
