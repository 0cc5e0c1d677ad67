import { basename } from 'node:path';
import { Observable } from 'rxjs';
import { MinHeap } from '../../core/minHeap.ts';
import type { EventEnvelope, RawMessage } from '../envelope.ts';
import { lineBatches } from './lineBatches.ts';

/** One input file of a merge and how its lines become events (`decoder`, which dead-letters). */
export interface MergeInput {
  readonly path: string;
  readonly decode: (raw: RawMessage) => EventEnvelope | undefined;
}

/**
 * `event-time`: every file at once, each file's events in its own order, files interleaved by
 * event time. `file`: one file after another, in the order given.
 */
export type MergeOrder = 'event-time' | 'file';

/** A file read ahead to its next event; `time` is the newest event time it has reached. */
class Cursor {
  head: EventEnvelope | undefined;
  time = -Infinity;
  private lines: string[] = [];
  private i = 0;
  private seq = 0;
  private done = false;
  private readonly file: string;
  private readonly batches: AsyncGenerator<string[], void, undefined>;

  constructor(
    readonly index: number,
    private readonly input: MergeInput,
  ) {
    this.file = basename(input.path);
    this.batches = lineBatches(input.path);
  }

  /**
   * Decodes lines already read up to the next event (dead-lettering invalid lines on the way);
   * false when it must read more first.
   */
  step(): boolean {
    while (this.i < this.lines.length) {
      const bytes = this.lines[this.i++]!;
      const seq = ++this.seq;
      const env = this.input.decode({
        seq,
        bytes,
        origin: { file: this.file, line: seq },
        arrivalMs: performance.now(),
      });
      if (env) {
        this.head = env;
        if (env.event.eventTime > this.time) this.time = env.event.eventTime;
        return true;
      }
    }
    this.head = undefined;
    return this.done;
  }

  /** Moves to the next event, reading as needed; `head` is undefined at the end of the file. */
  async advance(): Promise<void> {
    while (!this.step()) {
      const r = await this.batches.next();
      if (r.done) this.done = true;
      else {
        this.lines = r.value;
        this.i = 0;
      }
    }
  }

  close(): void {
    this.lines = [];
    void this.batches.return(undefined).catch(() => undefined);
  }
}

/** Merge order: the file that has reached the earliest time first; ties go to the earlier file. */
const before = (a: Cursor, b: Cursor): boolean => a.time < b.time || (a.time === b.time && a.index < b.index);

/**
 * The events of several files as one stream. With `event-time` order it is a k-way merge: each
 * file's events keep their file order (a live consumer saw them in that order, and an order
 * book must apply them so), and the next event is taken from the file whose newest event time so
 * far is the earliest (ties: the earlier file). That key never decreases within a file, so the
 * merge is exact: an event a little older than its predecessor in the same file (Binance files
 * step back up to ~0.2 s between streams) leaves right after that predecessor instead of being
 * pulled ahead of other files. Memory: one decoded chunk per file. Lines that are not events are
 * decoded (counted, dead-lettered) when their file reaches them.
 */
export function mergedFiles(
  inputs: readonly MergeInput[],
  order: MergeOrder = 'event-time',
): Observable<EventEnvelope> {
  return new Observable<EventEnvelope>((subscriber) => {
    let closed = false;
    const cursors: Cursor[] = [];
    const drain = async (c: Cursor): Promise<void> => {
      await c.advance();
      while (c.head && !closed) {
        subscriber.next(c.head);
        if (!c.step()) await c.advance();
      }
    };
    (async () => {
      if (order === 'file') {
        for (let i = 0; i < inputs.length && !closed; i++) {
          const c = new Cursor(i, inputs[i]!);
          cursors.push(c);
          await drain(c);
          c.close();
        }
      } else {
        const heap = new MinHeap<Cursor>(before);
        for (let i = 0; i < inputs.length && !closed; i++) {
          const c = new Cursor(i, inputs[i]!);
          cursors.push(c);
          await c.advance();
          if (c.head) heap.push(c);
        }
        while (heap.size > 0 && !closed) {
          const c = heap.peek()!;
          subscriber.next(c.head!);
          if (!c.step()) await c.advance();
          if (c.head) heap.replaceTop();
          else heap.pop()!.close();
        }
      }
      if (!closed) subscriber.complete();
    })().catch((err: unknown) => subscriber.error(err));
    return () => {
      closed = true;
      for (const c of cursors) c.close();
    };
  });
}
