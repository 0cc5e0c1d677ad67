import { lastValueFrom, defaultIfEmpty } from 'rxjs';
import { detectorFeatures, detectorSlots } from '../../detectors/detectorSet.ts';
import type { DetectorSlot } from '../../pipelines/scoreDetectors.ts';
import { marketFeatures } from '../../features/index.ts';
import { emitEach } from '../../pipelines/emitEach.ts';
import { formatFor } from '../../pipelines/formats/index.ts';
import { pipeline } from '../../pipelines/pipeline.ts';
import { fileLines } from '../../pipelines/sources/fileLines.ts';
import { newDecodeStats } from '../../pipelines/decode.ts';
import { Config } from '../../schemas/config.ts';
import { listEpisodes } from './episodes.ts';
import {
  scoreEpisode,
  scoreSupportBreak,
  summarise,
  type CommandMark,
  type EpisodeResult,
} from './metrics.ts';

/**
 * Replays every pump episode through the full pipeline (trades only, as Binance published them)
 * and scores the alerts raised on the coin against the announced start.
 */
export async function evaluatePumps(
  tradesDir: string,
  options: {
    config?: Config;
    onEpisode?: (r: EpisodeResult) => void;
    /** The detector slots, fresh for each episode (default: the set `config.detectors` selects). */
    detectors?: () => DetectorSlot[];
    /**
     * Also report the support-break de-risking (SUPPORT_AT_RISK / SUPPORT_BROKEN commands on the
     * coin, outside the pump and during it); meaningful with a detector that makes the estimate (the LSTM).
     */
    supportBreak?: boolean;
  } = {},
) {
  const config = options.config ?? Config.parse({});
  const results: EpisodeResult[] = [];
  for (const ep of listEpisodes(tradesDir)) {
    const alertTimes: number[] = [];
    const commands: CommandMark[] = [];
    let first = Infinity;
    let last = -Infinity;
    const stats = newDecodeStats();
    await lastValueFrom(
      fileLines(ep.file).pipe(
        pipeline({
          format: formatFor('binance-trades', ep.file),
          deadLetters: () => {},
          features: detectorFeatures(marketFeatures, config.detectors),
          detectors: options.detectors ? options.detectors() : detectorSlots(config.detectors),
          policy: config.policy,
          stats,
        }),
        emitEach((d, emit: (n: null) => void) => {
          const t = d.scored.frame.eventTime;
          if (t < first) first = t;
          if (t > last) last = t;
          for (const a of d.alerts) if (a.symbol === ep.symbol) alertTimes.push(a.eventTime);
          for (const c of d.commands)
            if (c.scope.symbol === ep.symbol)
              commands.push({ time: c.eventTime, action: c.action, code: c.reason.code });
          void emit;
        }),
        defaultIfEmpty(null),
      ),
    );
    const scored = scoreEpisode(ep.coin, ep.startMs, first, last, alertTimes, stats.events);
    const r = options.supportBreak
      ? { ...scored, supportBreak: scoreSupportBreak(ep.startMs, commands) }
      : scored;
    results.push(r);
    options.onEpisode?.(r);
  }
  return { summary: summarise(results), episodes: results };
}
