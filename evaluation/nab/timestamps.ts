import { DataError } from '../../core/errors.ts';

const PATTERN = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?$/;

/**
 * Parses a NAB timestamp (`2014-04-10 07:15:00` in data files, `2014-04-10 07:15:00.000000` in the
 * label files) to epoch milliseconds. NAB timestamps carry no zone; reading them as UTC keeps equal
 * strings equal whatever the machine's zone, which is all the scorer needs.
 */
export function parseNabTimestamp(text: string): number {
  const m = PATTERN.exec(text.trim());
  if (!m) throw new DataError(`not a NAB timestamp: '${text}' (expected YYYY-MM-DD HH:MM:SS[.ffffff])`);
  const fraction = m[7] === undefined ? 0 : Number(`0.${m[7]}`) * 1000;
  return (
    Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) +
    fraction
  );
}

/** Formats epoch milliseconds back to NAB's `YYYY-MM-DD HH:MM:SS`. */
export function formatNabTimestamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}
