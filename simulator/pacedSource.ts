import { Observable } from 'rxjs';
import type { InputEvent } from '../schemas/event.ts';
import type { RawMessage } from '../pipelines/envelope.ts';

/**
 * Emits simulated events as raw JSON messages at wall-clock pace: event time runs `speed` times
 * faster than the wall clock. `onEvent` sees each event as it is sent (the demo's traders use it to
 * send orders to the engine). Completes when the generator ends or `durationMs` of wall time passes.
 */
export function pacedSource(
  events: Iterator<InputEvent>,
  options: { speed: number; durationMs: number; onEvent?: (e: InputEvent) => void },
): Observable<RawMessage> {
  return new Observable<RawMessage>((subscriber) => {
    const started = performance.now();
    let first: number | undefined;
    let pending: InputEvent | undefined;
    let seq = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = () => {
      const wall = performance.now() - started;
      if (wall >= options.durationMs) {
        subscriber.complete();
        return;
      }
      for (;;) {
        const e = pending ?? events.next().value;
        pending = undefined;
        if (e === undefined) {
          subscriber.complete();
          return;
        }
        const t0 = (first ??= e.eventTime);
        if ((e.eventTime - t0) / options.speed > wall) {
          pending = e;
          break;
        }
        options.onEvent?.(e);
        seq++;
        subscriber.next({
          seq,
          bytes: JSON.stringify(e),
          origin: { topic: 'simulator', offset: String(seq) },
          arrivalMs: performance.now(),
        });
        if (subscriber.closed) return;
      }
      timer = setTimeout(tick, 10);
    };
    timer = setTimeout(tick, 0);
    return () => clearTimeout(timer);
  });
}
