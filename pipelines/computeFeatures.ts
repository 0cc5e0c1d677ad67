import type { OperatorFunction } from 'rxjs';
import type { Feature, FeatureState } from '../features/feature.ts';
import { OrderBook } from '../features/book/orderBook.ts';
import type { KeyKind } from '../schemas/feature.ts';
import type { FeatureFrame, KeyedEvent } from './envelope.ts';
import { emitEach } from './emitEach.ts';

/** One key's feature state: its book and one state per feature of its key kind (catalogue order). */
export interface KeyState {
  readonly book: OrderBook;
  readonly states: FeatureState[];
}

/**
 * Per-key feature computation: a frame of every feature of the key's kind after each event.
 * `store` lets the caller own the per-key state (distributed mode checkpoints it to a changelog
 * and restores it after a rebalance); without it each subscription starts from empty state.
 */
export function computeFeatures(
  features: readonly Feature[],
  store?: Map<string, KeyState>,
): OperatorFunction<KeyedEvent, FeatureFrame> {
  const byKind = new Map<KeyKind, { features: readonly Feature[]; names: readonly string[] }>();
  const catalogue = (kind: KeyKind) => {
    let c = byKind.get(kind);
    if (!c) {
      const fs = features.filter((f) => f.keyKind === kind);
      c = { features: fs, names: fs.map((f) => f.name) };
      byKind.set(kind, c);
    }
    return c;
  };
  // Per subscription: a replay subscribed twice starts from empty state both times.
  return (source) => {
    const keys = store ?? new Map<string, KeyState>();
    return source.pipe(
      emitEach((env: KeyedEvent, emit: (f: FeatureFrame) => void) => {
        const { features: fs, names } = catalogue(env.subject.keyKind);
        let ks = keys.get(env.subject.key);
        if (!ks) {
          ks = { book: new OrderBook(), states: fs.map((f) => f.create()) };
          keys.set(env.subject.key, ks);
        }
        const { event } = env;
        if (event.type === 'book') {
          // A stale diff (already inside the snapshot) changes nothing: no frame for it.
          if (!ks.book.apply(event)) return;
        } else if (event.type === 'ticker') ks.book.applyTicker(event);
        else if (event.type === 'trade') ks.book.applyTrade(event.price);
        const input = { event, book: ks.book, subject: env.subject };
        const values = new Float64Array(fs.length);
        for (let i = 0; i < fs.length; i++) {
          const st = ks.states[i]!;
          if (fs[i]!.inputs.includes(event.type)) st.update(input);
          const v = st.value();
          values[i] = v === undefined || !Number.isFinite(v) ? Number.NaN : v;
        }
        emit({
          seq: env.seq,
          subject: env.subject,
          eventId: event.eventId,
          eventTime: event.eventTime,
          arrivalMs: env.arrivalMs,
          names,
          values,
          mid: ks.book.fairPrice(),
        });
      }),
    );
  };
}
