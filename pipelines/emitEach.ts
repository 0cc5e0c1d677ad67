import { Observable, type OperatorFunction } from 'rxjs';

/**
 * A synchronous operator that may emit zero, one or several values per input, without the
 * per-message inner Observable that `mergeMap` allocates: the hot path of every stage.
 * `project` errors are sent down the stream as errors, not thrown across it.
 */
export function emitEach<T, R>(project: (value: T, emit: (out: R) => void) => void): OperatorFunction<T, R> {
  return (source) =>
    new Observable<R>((subscriber) => {
      const emit = (out: R): void => subscriber.next(out);
      return source.subscribe({
        next(value) {
          try {
            project(value, emit);
          } catch (err) {
            subscriber.error(err);
          }
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      });
    });
}
