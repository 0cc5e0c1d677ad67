import type { InputEvent } from '../schemas/event.ts';
import type { Origin } from '../schemas/deadLetter.ts';
import type { Subject } from '../schemas/feature.ts';
import type { Alert } from '../schemas/alert.ts';
import type { Command } from '../schemas/command.ts';
import type { Contribution, SupportBreak } from '../schemas/score.ts';

/** A message as a source delivered it, before decoding. */
export interface RawMessage {
  /** Position in the source (line number, or a running count per consumer); orders and accounts. */
  readonly seq: number;
  readonly bytes: string;
  readonly origin: Origin;
  /** Processing time of arrival (performance.now() ms): used only to measure latency. */
  readonly arrivalMs: number;
}

/** A decoded, validated event with where it came from. */
export interface EventEnvelope {
  readonly seq: number;
  readonly event: InputEvent;
  readonly origin: Origin;
  readonly arrivalMs: number;
}

/** An event routed to one key (a transfer goes to both of its addresses). */
export interface KeyedEvent extends EventEnvelope {
  readonly subject: Subject;
}

/** One key's feature values after one event, in the fixed order of `names`; NaN while warming up. */
export interface FeatureFrame {
  readonly seq: number;
  readonly subject: Subject;
  readonly eventId: string;
  readonly eventTime: number;
  readonly arrivalMs: number;
  readonly names: readonly string[];
  readonly values: Float64Array;
  /** Mid price of the key's book after the event (NaN when unknown), for evidence and charts. */
  readonly mid: number;
}

/** A detector's calibrated verdict on a frame. */
export interface DetectorScore {
  readonly detector: string;
  readonly raw: number;
  /** 0..1, comparable across detectors. */
  readonly score: number;
  /** Sorted, largest contribution first. */
  readonly contributions: readonly Contribution[];
  /** The detector's support-break estimate for the key (the LSTM, alone or in an ensemble), when it makes one. */
  readonly supportBreak?: SupportBreak;
}

export interface ScoredFrame {
  readonly frame: FeatureFrame;
  readonly scores: readonly DetectorScore[];
}

/** What the policy decided after one frame: alerts and commands, possibly none. */
export interface Decision {
  readonly scored: ScoredFrame;
  readonly alerts: readonly Alert[];
  readonly commands: readonly Command[];
}
