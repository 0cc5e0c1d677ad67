import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { evaluatePumps } from '../../evaluation/pumps/evaluatePumps.ts';
import { PUMP_RULES } from '../../evaluation/pumps/metrics.ts';
import type { Command } from '../command.ts';

const help = `Usage: flowguard pumps [--trades DIR] [--json]

Replays every real pump-and-dump episode (../shared/pumps/trades: Binance trades from two days
before to two days after an announced pump) through the full pipeline and reports:
  event-level recall   an alert on the coin within ${PUMP_RULES.detectWithinMs / 1000} s after the announced start
  detection delay      first such alert minus the start
  false alerts per day alerts outside ${PUMP_RULES.quietBeforeMs / 60_000} min before to ${PUMP_RULES.quietAfterMs / 60_000} min after the start
  false-alarm episodes those alerts grouped: a new episode after ${PUMP_RULES.falseEpisodeGapMs / 60_000} min without one
  chunk P/R/F1         ${PUMP_RULES.chunkMs / 1000} s chunks aligned on the start; positive = overlapping the first
                       ${PUMP_RULES.pumpChunkSpanMs / 1000} s; predicted = at least one alert; beside La Morgia et al. 2020

Example:
  flowguard pumps --json`;

export const pumpsCommand: Command = {
  name: 'pumps',
  summary: 'detection of real pump-and-dumps: recall, delay, false alerts/day, chunk F1',
  help,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        trades: { type: 'string', default: join('..', 'shared', 'pumps', 'trades') },
        json: { type: 'boolean', default: false },
      },
    });
    const r = await evaluatePumps(values.trades, {
      onEpisode: values.json
        ? undefined
        : (e) =>
            console.log(
              `${e.coin.padEnd(5)} ${e.startIso}  ${e.detected ? `detected +${(e.delayMs! / 1000).toFixed(1)} s` : 'missed        '}  false alerts ${e.falseAlerts} (${e.falseAlarmEpisodes} episodes) in ${e.days.toFixed(1)} d`,
            ),
    });
    if (values.json) {
      console.log(JSON.stringify(r));
      return 0;
    }
    const s = r.summary;
    console.log(
      `\nrecall ${(s.recall * 100).toFixed(1)} % of ${s.episodes}; median delay ${s.medianDelayMs === null ? 'n/a' : `${(s.medianDelayMs / 1000).toFixed(1)} s`}; ` +
        `${s.falseAlertsPerDay.toFixed(2)} false alerts/day (${s.falseAlarmEpisodesPerDay.toFixed(2)} false-alarm episodes/day)`,
    );
    console.log(
      `25 s chunks: precision ${(s.chunk.precision * 100).toFixed(1)} %, recall ${(s.chunk.recall * 100).toFixed(1)} %, F1 ${(s.chunk.f1 * 100).toFixed(1)} % ` +
        `(paper: ${s.paper.chunk25s.precision * 100} / ${s.paper.chunk25s.recall * 100} / ${s.paper.chunk25s.f1 * 100} %)`,
    );
    return 0;
  },
};
