import { Observable } from 'rxjs';
import type { InputEvent } from '../schemas/event.ts';
import type { RawMessage } from '../pipelines/envelope.ts';

/** Events as raw JSON messages, as fast as the consumer takes them (tests, evaluation, benchmarks). */
export function eventSource(events: Iterable<InputEvent>, topic = 'simulator'): Observable<RawMessage> {
  return new Observable<RawMessage>((subscriber) => {
    let seq = 0;
    for (const e of events) {
      if (subscriber.closed) return;
      seq++;
      subscriber.next({
        seq,
        bytes: JSON.stringify(e),
        origin: { topic, offset: String(seq) },
        arrivalMs: performance.now(),
      });
    }
    subscriber.complete();
  });
}
