import type { OperatorFunction } from 'rxjs';
import type { InputEvent } from '../schemas/event.ts';
import type { Subject } from '../schemas/feature.ts';
import type { EventEnvelope, KeyedEvent } from './envelope.ts';
import { emitEach } from './emitEach.ts';

/** The canonical key of a venue-symbol, also the Kafka partition key of its events. */
export const venueSymbolKey = (venue: string, symbol: string): string => `vs:${venue}:${symbol}`;
export const addressKey = (address: string): string => `addr:${address}`;

/** The keys an event belongs to: one for market events, both addresses for a transfer. */
export function subjectsOf(event: InputEvent): Subject[] {
  switch (event.type) {
    case 'order':
    case 'trade':
    case 'book':
    case 'ticker':
      return [
        {
          key: venueSymbolKey(event.venue, event.symbol),
          keyKind: 'venue-symbol',
          venue: event.venue,
          symbol: event.symbol,
        },
      ];
    case 'price':
      return [{ key: `asset:${event.asset}`, keyKind: 'asset', asset: event.asset }];
    case 'transfer':
      return event.from === event.to
        ? [{ key: addressKey(event.from), keyKind: 'address', address: event.from }]
        : [
            { key: addressKey(event.from), keyKind: 'address', address: event.from },
            { key: addressKey(event.to), keyKind: 'address', address: event.to },
          ];
    case 'label':
      return [{ key: addressKey(event.address), keyKind: 'address', address: event.address }];
  }
}

/** Routes each event to its key(s). */
export function keyBy(): OperatorFunction<EventEnvelope, KeyedEvent> {
  return emitEach((env: EventEnvelope, emit: (k: KeyedEvent) => void) => {
    for (const subject of subjectsOf(env.event)) emit({ ...env, subject });
  });
}
