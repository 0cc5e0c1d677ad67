import { Observable, type OperatorFunction } from 'rxjs';
import { crossAssetFeatures, CrossAssetStage } from '../features/index.ts';
import type { FeatureFrame } from './envelope.ts';

export interface CrossFramesOptions {
  /** The second stage's state; a new one per subscription when not given. */
  readonly stage?: CrossAssetStage;
  /** Sees every frame (first stage and cross-asset) as it passes. */
  readonly onFrame?: ((f: FeatureFrame) => void) | undefined;
}

/**
 * The cross-asset stage in process: passes every first-stage frame on and feeds each
 * venue-symbol's mid to the second stage (`features/crossAsset`), whose pair frames (cross-venue
 * and cross-asset) follow, keyed by pair (`asset-pair`), to be scored like any other frame. A pair
 * frame's `mid` is the pair's log price ratio in bps, for evidence and charts. The stage samples on
 * an event-time grid behind a watermark, so its input must be in event-time order up to its
 * allowed lateness (2 s): true of a simulation, of a replay merged by event time, not of files
 * replayed one after another.
 */
export function withCrossFrames(o: CrossFramesOptions = {}): OperatorFunction<FeatureFrame, FeatureFrame> {
  return (src) =>
    new Observable<FeatureFrame>((sub) => {
      const cross = o.stage ?? new CrossAssetStage(crossAssetFeatures);
      return src.subscribe({
        next(f) {
          o.onFrame?.(f);
          sub.next(f);
          if (f.subject.keyKind !== 'venue-symbol' || !(f.mid > 0) || !f.subject.venue || !f.subject.symbol)
            return;
          for (const c of cross.onMid(f.subject.venue, f.subject.symbol, f.mid, f.eventTime)) {
            const pf: FeatureFrame = {
              seq: f.seq,
              // The legs let the policy restrict the venue-symbols the pair is made of.
              subject: { key: c.key, keyKind: 'asset-pair', legs: [c.legs[0], c.legs[1]] },
              eventId: `${c.key}@${c.eventTime}`,
              eventTime: c.eventTime,
              arrivalMs: f.arrivalMs,
              names: c.names,
              values: c.values,
              mid: Math.log(c.pa / c.pb) * 1e4,
            };
            o.onFrame?.(pf);
            sub.next(pf);
          }
        },
        error: (e) => sub.error(e),
        complete: () => sub.complete(),
      });
    });
}
