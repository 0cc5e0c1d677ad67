import type { OperatorFunction } from 'rxjs';
import { InputEvent } from '../schemas/event.ts';
import { SCHEMA_VERSION } from '../schemas/common.ts';
import type { DeadLetter } from '../schemas/deadLetter.ts';
import type { EventEnvelope, RawMessage } from './envelope.ts';
import { SKIP, type InputFormat } from './formats/format.ts';
import { emitEach } from './emitEach.ts';

/** Receives every message that could not be decoded; must not throw. */
export type DeadLetterWriter = (letter: DeadLetter) => void;

/** Decoding outcome counts, for the run summary and metrics. */
export interface DecodeStats {
  messages: number;
  events: number;
  skipped: number;
  deadLetters: number;
}

export function newDecodeStats(): DecodeStats {
  return { messages: 0, events: 0, skipped: 0, deadLetters: 0 };
}

/**
 * Parses each raw message with `format` and validates it with zod. An invalid message becomes a
 * dead letter (reason, zod issues, original bytes) and the stream goes on: bad input is never lost
 * and never ends the stream. `now` stamps dead letters; replay passes an event-time clock.
 */
export function decode(
  format: InputFormat,
  deadLetters: DeadLetterWriter,
  stats: DecodeStats = newDecodeStats(),
  now: () => number = Date.now,
): OperatorFunction<RawMessage, EventEnvelope> {
  const decodeOne = decoder(format, deadLetters, stats, now);
  return emitEach((raw: RawMessage, emit: (e: EventEnvelope) => void) => {
    const env = decodeOne(raw);
    if (env) emit(env);
  });
}

/**
 * `decode` as a plain function of one message: the envelope, or undefined when the message was
 * skipped or dead-lettered. For sources that must see an event before passing it on (the replay's
 * merge by event time).
 */
export function decoder(
  format: InputFormat,
  deadLetters: DeadLetterWriter,
  stats: DecodeStats = newDecodeStats(),
  now: () => number = Date.now,
): (raw: RawMessage) => EventEnvelope | undefined {
  const dead = (raw: RawMessage, reason: string, issues: string[]): void => {
    stats.deadLetters++;
    deadLetters({
      schemaVersion: SCHEMA_VERSION,
      reason,
      issues: issues.slice(0, 50),
      rawBase64: Buffer.from(raw.bytes, 'utf8').toString('base64'),
      origin: raw.origin,
      seq: raw.seq,
      receivedAt: now(),
    });
  };
  return (raw) => {
    stats.messages++;
    let candidate: unknown;
    try {
      candidate = format.parse(raw);
    } catch (err) {
      dead(raw, `${format.name}: unparseable message`, [err instanceof Error ? err.message : String(err)]);
      return undefined;
    }
    if (candidate === SKIP) {
      stats.skipped++;
      return undefined;
    }
    const parsed = InputEvent.safeParse(candidate);
    if (!parsed.success) {
      dead(
        raw,
        `${format.name}: schema validation failed`,
        parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
      );
      return undefined;
    }
    stats.events++;
    return { seq: raw.seq, event: parsed.data, origin: raw.origin, arrivalMs: raw.arrivalMs };
  };
}
