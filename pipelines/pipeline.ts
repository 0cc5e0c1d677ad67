import type { OperatorFunction } from 'rxjs';
import type { Feature } from '../features/feature.ts';
import type { PolicyConfig } from '../schemas/config.ts';
import { applyPolicy } from './applyPolicy.ts';
import { computeFeatures } from './computeFeatures.ts';
import { decode, type DeadLetterWriter, type DecodeStats, newDecodeStats } from './decode.ts';
import type { Decision, RawMessage, ScoredFrame } from './envelope.ts';
import type { InputFormat } from './formats/format.ts';
import { keyBy } from './keyBy.ts';
import { scoreDetectors, type DetectorSlot } from './scoreDetectors.ts';

export interface PipelineOptions {
  readonly format: InputFormat;
  readonly deadLetters: DeadLetterWriter;
  readonly features: readonly Feature[];
  readonly detectors: readonly DetectorSlot[];
  readonly policy: PolicyConfig;
  readonly stats?: DecodeStats;
  /** issuedAt of commands; defaults to event time, which makes replays byte-identical. */
  readonly clock?: (s: ScoredFrame) => number;
  /** Stamps dead letters; defaults to the wall clock. */
  readonly now?: () => number;
}

/** source → decode+validate → key → features → detectors → policy: one direction, one pipe. */
export function pipeline(o: PipelineOptions): OperatorFunction<RawMessage, Decision> {
  return (source) =>
    source.pipe(
      decode(o.format, o.deadLetters, o.stats ?? newDecodeStats(), o.now),
      keyBy(),
      computeFeatures(o.features),
      scoreDetectors(o.detectors),
      applyPolicy(o.policy, o.clock),
    );
}
