import { join } from 'node:path';
import { defaultIfEmpty, lastValueFrom } from 'rxjs';
import { detectorFeatures, detectorSlots } from '../detectors/detectorSet.ts';
import {
  AddressRiskBook,
  AmlContext,
  crossAssetFeatures,
  CrossAssetStage,
  firstStageFeatures,
  type Feature,
} from '../features/index.ts';
import { Config } from '../schemas/config.ts';
import type { Alert } from '../schemas/alert.ts';
import type { DeadLetter } from '../schemas/deadLetter.ts';
import { jsonlFile } from '../sinks/jsonlFile.ts';
import type { CommandDelivery } from '../sinks/sink.ts';
import { applyPolicy } from './applyPolicy.ts';
import { computeFeatures } from './computeFeatures.ts';
import { decoder, newDecodeStats } from './decode.ts';
import { deliver } from './deliver.ts';
import { emitEach } from './emitEach.ts';
import { formatFor } from './formats/index.ts';
import { keyBy } from './keyBy.ts';
import { scoreDetectors, type DetectorSlot } from './scoreDetectors.ts';
import { mergedFiles, type MergeOrder } from './sources/mergedFiles.ts';
import { withCrossFrames } from './withCrossFrames.ts';

export interface ReplayOptions {
  readonly files: readonly string[];
  readonly format: string;
  readonly out: string;
  readonly venue?: string;
  readonly config?: Config;
  readonly progress?: ((line: string) => void) | undefined;
  /** `event-time` (default): the files merged by event time; `file`: one after another. */
  readonly order?: MergeOrder;
  /** Runs the cross-asset stage (pairs across venues and assets); default true. */
  readonly cross?: boolean;
  /**
   * First-stage features; default `firstStageFeatures` (order flow and address features, over
   * `riskBook`'s lists) plus what the detectors `config.detectors` selects read (a fresh set).
   */
  readonly features?: readonly Feature[];
  /**
   * The address risk lists (pipelines/riskLists.ts); read through a book of the run's own, so
   * label events stay in the run. Default: no lists.
   */
  readonly riskBook?: AddressRiskBook;
  /** Default the set `config.detectors` selects, as `flowguard run` and the demo. */
  readonly detectors?: readonly DetectorSlot[];
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
  /** Second-stage frames (one per pair and 500 ms tick) and the pairs formed. */
  crossFrames: number;
  crossPairs: number;
  /** Mids that reached the cross-asset stage after their tick was sampled (beyond its 2 s lateness). */
  crossLateMids: number;
  elapsedMs: number;
  messagesPerSec: number;
  peakRssBytes: number;
  outputs: { alerts: string; commands: string; deadLetters: string };
}

/**
 * Runs files through the full pipeline at full speed with one pipeline state: by default every file
 * at once, merged by event time (`sources/mergedFiles.ts`: each file in its own order, files
 * interleaved), so venues and assets recorded side by side meet in the cross-asset stage as they
 * did live, and a day's capture followed by the next day's simply continues. Commands carry event
 * time as their `issuedAt`, so the same input always yields byte-identical outputs.
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
  const summary = { alerts: 0, commands: 0, commandsByAction: {} as Record<string, number>, crossFrames: 0 };
  let peakRss = process.memoryUsage().rss;
  const started = performance.now();
  let lastProgress = started;

  // Each file gets its own format (the venue may differ per folder) and decoder; one pipeline follows them all.
  const inputs = o.files.map((path) => ({
    path,
    decode: decoder(formatFor(o.format, path, o.venue), (d) => deadSink.write([d]), stats),
  }));
  const cross = o.cross === false ? undefined : new CrossAssetStage(crossAssetFeatures);
  const countCross = (f: { subject: { keyKind: string } }) => {
    if (f.subject.keyKind === 'asset-pair') summary.crossFrames++;
  };
  const run$ = mergedFiles(inputs, o.order ?? 'event-time').pipe(
    keyBy(),
    computeFeatures(
      o.features ??
        detectorFeatures(
          firstStageFeatures(
            new AmlContext(o.riskBook?.derive() ?? new AddressRiskBook(), {
              maxNodes: config.aml.graphMaxNodes,
            }),
          ),
          config.detectors,
        ),
    ),
    cross ? withCrossFrames({ stage: cross, onFrame: countCross }) : (frames) => frames,
    scoreDetectors(o.detectors ?? detectorSlots(config.detectors)),
    applyPolicy(config.policy),
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
    crossPairs: cross?.pairCount ?? 0,
    crossLateMids: cross?.tracker.late ?? 0,
    elapsedMs,
    messagesPerSec: (stats.messages / elapsedMs) * 1000,
    peakRssBytes: peakRss,
    outputs,
  };
}
