import { join } from 'node:path';
import { concat, lastValueFrom, defaultIfEmpty } from 'rxjs';
import { defaultDetectorSlots } from '../detectors/index.ts';
import { marketFeatures } from '../features/index.ts';
import { Config } from '../schemas/config.ts';
import type { Alert } from '../schemas/alert.ts';
import type { DeadLetter } from '../schemas/deadLetter.ts';
import { jsonlFile } from '../sinks/jsonlFile.ts';
import type { CommandDelivery } from '../sinks/sink.ts';
import { newDecodeStats } from './decode.ts';
import { deliver } from './deliver.ts';
import { formatFor } from './formats/index.ts';
import { pipeline } from './pipeline.ts';
import { fileLines } from './sources/fileLines.ts';
import type { RawMessage } from './envelope.ts';
import { emitEach } from './emitEach.ts';

export interface ReplayOptions {
  readonly files: readonly string[];
  readonly format: string;
  readonly out: string;
  readonly venue?: string;
  readonly config?: Config;
  readonly progress?: ((line: string) => void) | undefined;
}

export interface ReplaySummary {
  files: number;
  messages: number;
  events: number;
  skipped: number;
  deadLetters: number;
  alerts: number;
  commands: number;
  commandsByAction: Record<string, number>;
  elapsedMs: number;
  messagesPerSec: number;
  peakRssBytes: number;
  outputs: { alerts: string; commands: string; deadLetters: string };
}

/**
 * Runs files through the full pipeline at full speed, in file order, with one pipeline state across
 * files (so a day's capture can be followed by the next day's). Commands carry event time as their
 * `issuedAt`, so the same input always yields byte-identical outputs.
 */
export async function replayFiles(o: ReplayOptions): Promise<ReplaySummary> {
  const config = o.config ?? Config.parse({});
  const outputs = {
    alerts: join(o.out, 'alerts.jsonl'),
    commands: join(o.out, 'commands.jsonl'),
    deadLetters: join(o.out, 'deadletters.jsonl'),
  };
  const alertSink = jsonlFile<Alert>(outputs.alerts);
  const commandSink = jsonlFile<CommandDelivery>(outputs.commands, { project: (d) => d.command });
  const deadSink = jsonlFile<DeadLetter>(outputs.deadLetters);
  const stats = newDecodeStats();
  const summary = { alerts: 0, commands: 0, commandsByAction: {} as Record<string, number> };
  let peakRss = process.memoryUsage().rss;
  const started = performance.now();
  let lastProgress = started;

  // Each file gets its own format (the venue may differ per folder); one pipeline follows them all.
  const tagged = o.files.map((file) => {
    const format = formatFor(o.format, file, o.venue);
    return fileLines(file).pipe(
      emitEach((raw: RawMessage, emit: (r: RawMessage & { format: typeof format }) => void) =>
        emit({ ...raw, format }),
      ),
    );
  });
  const router = {
    name: o.format,
    parse: (raw: RawMessage) =>
      (raw as RawMessage & { format: ReturnType<typeof formatFor> }).format.parse(raw),
  };
  const run$ = concat(...tagged).pipe(
    pipeline({
      format: router,
      deadLetters: (d) => deadSink.write([d]),
      features: marketFeatures,
      detectors: defaultDetectorSlots(),
      policy: config.policy,
      stats,
    }),
    deliver({ commands: [commandSink], alerts: [alertSink] }),
    emitEach((d, emit) => {
      summary.alerts += d.alerts.length;
      for (const c of d.commands) {
        summary.commands++;
        summary.commandsByAction[c.action] = (summary.commandsByAction[c.action] ?? 0) + 1;
      }
      if ((stats.messages & 4095) === 0) {
        const rss = process.memoryUsage().rss;
        if (rss > peakRss) peakRss = rss;
        const now = performance.now();
        if (o.progress && now - lastProgress > 2000) {
          lastProgress = now;
          o.progress(`  ${stats.messages} messages, ${summary.alerts} alerts, ${summary.commands} commands`);
        }
      }
      emit(d);
    }),
    defaultIfEmpty(null),
  );
  try {
    await lastValueFrom(run$);
  } finally {
    await Promise.all([alertSink.close(), commandSink.close(), deadSink.close()]);
  }
  const elapsedMs = performance.now() - started;
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  return {
    files: o.files.length,
    messages: stats.messages,
    events: stats.events,
    skipped: stats.skipped,
    deadLetters: stats.deadLetters,
    ...summary,
    elapsedMs,
    messagesPerSec: (stats.messages / elapsedMs) * 1000,
    peakRssBytes: peakRss,
    outputs,
  };
}
