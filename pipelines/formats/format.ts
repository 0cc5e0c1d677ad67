import type { RawMessage } from '../envelope.ts';

/** Turns one raw message of a source format into a candidate event (validated afterwards by zod). */
export interface InputFormat {
  readonly name: string;
  /** Returns the candidate event, or `skip` for lines that carry no event (a CSV header). Throws on malformed input. */
  parse(raw: RawMessage): unknown;
}

/** Marker a format returns for a line that is not an event (header, blank line). */
export const SKIP = Symbol('skip');
