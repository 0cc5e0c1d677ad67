import { DecodeError } from '../../core/errors.ts';
import type { RawMessage } from '../envelope.ts';
import { SKIP, type InputFormat } from './format.ts';

/** flowguard's own events, one JSON object per line, as `schemas/event.ts` describes them. */
export const eventsJsonl: InputFormat = {
  name: 'events-jsonl',
  parse(raw: RawMessage): unknown {
    if (raw.bytes.trim() === '') return SKIP;
    try {
      return JSON.parse(raw.bytes);
    } catch (err) {
      throw new DecodeError(`invalid JSON: ${(err as Error).message}`, { cause: err });
    }
  },
};
