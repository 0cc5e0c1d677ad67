import { connectable, filter, map, merge, Observable, Subject, type OperatorFunction } from 'rxjs';
import { crossAssetFeatures, CrossAssetStage, type Feature } from '../../features/index.ts';
import { applyPolicy } from '../../pipelines/applyPolicy.ts';
import { computeFeatures } from '../../pipelines/computeFeatures.ts';
import { decode, type DecodeStats, newDecodeStats } from '../../pipelines/decode.ts';
import type { Decision, FeatureFrame, RawMessage } from '../../pipelines/envelope.ts';
import { eventsJsonl } from '../../pipelines/formats/eventsJsonl.ts';
import { keyBy } from '../../pipelines/keyBy.ts';
import { scoreDetectors, type DetectorSlot } from '../../pipelines/scoreDetectors.ts';
import { staleFeeds } from '../../pipelines/staleFeeds.ts';
import { withCrossFrames } from '../../pipelines/withCrossFrames.ts';
import type { Alert } from '../../schemas/alert.ts';
import type { PolicyConfig } from '../../schemas/config.ts';

export interface EvaluationPipelineOptions {
  readonly features: readonly Feature[];
  readonly detectors: readonly DetectorSlot[];
  readonly policy: PolicyConfig;
  readonly stats?: DecodeStats;
  /** Sees every frame (first stage and cross-asset) before it is scored: traces for the report. */
  readonly onFrame?: (f: FeatureFrame) => void;
}

/** What the evaluation pipeline emits: the policy's decisions, and stale-feed alerts beside them. */
export type EvaluationOutput = { readonly decision: Decision } | { readonly staleAlert: Alert };

/**
 * The whole pipeline in one process as `evaluate` runs it, on event time: decode and validate,
 * key, first-stage features, then the second stage (cross-venue and cross-asset pairs from every
 * venue-symbol's mid, `features/crossAsset`) whose frames are keyed by pair and scored like any
 * other, detectors, policy; and the stale-feed check (`pipelines/staleFeeds.ts`, event clock)
 * beside it. Commands carry event time as `issuedAt`, as in replay, so a seed gives one result.
 */
export function evaluationPipeline(
  o: EvaluationPipelineOptions,
): OperatorFunction<RawMessage, EvaluationOutput> {
  return (source) =>
    new Observable<EvaluationOutput>((subscriber) => {
      const cross = new CrossAssetStage(crossAssetFeatures);
      // Both branches must be subscribed before the (synchronous) source starts.
      const frames = connectable(
        source.pipe(
          decode(
            eventsJsonl,
            () => {},
            o.stats ?? newDecodeStats(),
            () => 0,
          ),
          keyBy(),
          computeFeatures(o.features),
          withCrossFrames({ stage: cross, onFrame: o.onFrame }),
        ),
        { connector: () => new Subject<FeatureFrame>(), resetOnDisconnect: false },
      );
      const decisions = frames.pipe(
        scoreDetectors(o.detectors),
        applyPolicy(o.policy, { clock: (s) => s.frame.eventTime }),
      );
      const stale = frames.pipe(
        filter((f) => f.subject.keyKind === 'venue-symbol'),
        staleFeeds<FeatureFrame>({
          scanMs: o.policy.staleScanMs,
          staleAfterMs: o.policy.staleAfterMs,
          venueStaleAfterMs: o.policy.venueStaleAfterMs,
          clock: 'event',
        }),
      );
      const sub = merge(
        decisions.pipe(map((decision): EvaluationOutput => ({ decision }))),
        stale.pipe(map((staleAlert): EvaluationOutput => ({ staleAlert }))),
      ).subscribe(subscriber);
      sub.add(frames.connect());
      return sub;
    });
}
