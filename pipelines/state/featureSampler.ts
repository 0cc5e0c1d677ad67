import type { Message, Producer } from 'kafkajs';
import type { PendingWrites } from '../../core/pendingWrites.ts';
import { assetOf } from '../../features/crossAsset/assetOf.ts';
import type { FeatureFrame } from '../envelope.ts';

/** A first-stage feature sample as the feature topic carries it. */
export interface FeatureSample {
  readonly key: string;
  readonly venue: string;
  readonly symbol: string;
  readonly asset: string;
  readonly eventTime: number;
  /** Mid (or last trade) price after the event. */
  readonly mid: number;
  /** The key's feature values; null while warming up. */
  readonly features: Record<string, number | null>;
}

/** Message keys of the two copies of a sample: every venue of an asset meet in one partition, every asset of a venue in one. */
export const byAsset = (asset: string): string => `asset:${asset}`;
export const byVenue = (venue: string): string => `venue:${venue}`;

/**
 * Samples the first stage's venue-symbol frames for the cross-asset stage: at most one per key per
 * `sampleMs` of event time (the first frame of each bucket), re-keyed twice, by asset (cross-venue
 * pairs) and by venue (cross-asset pairs), so the second stage finds both legs of every pair in
 * one partition. Buffered, sent on `flush` (the source's settle) as one request.
 */
export function featureSampler(producer: Producer, pending: PendingWrites, topic: string, sampleMs: number) {
  const bucketOf = new Map<string, number>();
  let buffer: Message[] = [];
  let sent = 0;
  return {
    add(f: FeatureFrame): void {
      const s = f.subject;
      if (s.keyKind !== 'venue-symbol' || !s.venue || !s.symbol || !(f.mid > 0)) return;
      const bucket = Math.floor(f.eventTime / sampleMs);
      if (bucketOf.get(s.key) === bucket) return;
      bucketOf.set(s.key, bucket);
      const features: Record<string, number | null> = {};
      for (let i = 0; i < f.names.length; i++) {
        const v = f.values[i]!;
        features[f.names[i]!] = Number.isNaN(v) ? null : v;
      }
      const asset = assetOf(s.symbol);
      const sample: FeatureSample = {
        key: s.key,
        venue: s.venue,
        symbol: s.symbol,
        asset,
        eventTime: f.eventTime,
        mid: f.mid,
        features,
      };
      const value = JSON.stringify(sample);
      buffer.push({ key: byAsset(asset), value }, { key: byVenue(s.venue), value });
    },
    flush(): void {
      if (buffer.length === 0) return;
      const messages = buffer;
      buffer = [];
      sent += messages.length;
      void pending.track(producer.send({ topic, acks: -1, messages }));
    },
    get sent(): number {
      return sent;
    },
  };
}
