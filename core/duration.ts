import { ConfigError } from './errors.ts';

/** Parses "30s", "5m", "1h", "250ms" or a bare number of seconds into milliseconds. */
export function parseDuration(text: string, field = 'duration'): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw new ConfigError(`${field} '${text}' is not a duration: write e.g. 30s, 5m, 250ms`);
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  return n * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit]!;
}
