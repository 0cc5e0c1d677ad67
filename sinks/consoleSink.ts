import type { Alert } from '../schemas/alert.ts';
import type { Command } from '../schemas/command.ts';
import type { Sink } from './sink.ts';

const iso = (t: number) => new Date(t).toISOString().slice(11, 23);

/** One readable line per alert. */
export function formatAlert(a: Alert): string {
  return `${iso(a.eventTime)} ALERT ${a.severity.toUpperCase().padEnd(8)} ${a.key}  ${a.message}`;
}

/** A command with its evidence, over a few lines. */
export function formatCommand(c: Command): string {
  const lines = [
    `${iso(c.eventTime)} ${c.action.padEnd(11)} ${c.scope.key}  #${c.sequence} ${c.commandId}`,
    `             reason: ${c.reason.text}`,
  ];
  if (c.evidence && c.action !== 'RESUME') {
    const f = c.evidence.topFeatures.map(
      (t) =>
        `${t.feature}=${t.value === null ? 'n/a' : t.value.toPrecision(4)} (${t.contribution.toFixed(1)})`,
    );
    lines.push(
      `             evidence: ${c.evidence.detector} ${c.evidence.score.toFixed(4)} >= ${c.evidence.threshold}; ${f.join(', ')}`,
    );
  }
  return lines.join('\n');
}

/** Prints alerts or commands for a person watching a terminal. */
export function consoleSink<T>(
  format: (v: T) => string,
  write: (line: string) => void = (l) => console.log(l),
): Sink<T> {
  return {
    name: 'console',
    write(batch) {
      for (const v of batch) write(format(v));
    },
    async flush() {},
    async close() {},
  };
}
