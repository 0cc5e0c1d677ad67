import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from '../../core/errors.ts';
import { loadConfig } from '../../core/loadConfig.ts';
import { lstmSlot } from '../../detectors/lstm/slot.ts';
import type { LstmParams } from '../../detectors/lstm/lstmDetector.ts';
import { evaluatePumps } from '../../evaluation/pumps/evaluatePumps.ts';
import { PUMP_RULES } from '../../evaluation/pumps/metrics.ts';
import type { Command } from '../command.ts';
import { RULE_FLAGS, ruleFlagsHelp, withRuleFlags } from '../ruleFlags.ts';

const help = `Usage: flowguard pumps [--trades DIR] [--json] [--lstm [--lstm-params JSON]] [--config FILE]
                      [--rules | --no-rules]

Replays every real pump-and-dump episode (../shared/pumps/trades: Binance trades from two days
before to two days after an announced pump) through the full pipeline and reports:
  event-level recall   an alert on the coin within ${PUMP_RULES.detectWithinMs / 1000} s of the announced start (before or
                       after it; "after start" counts only alerts from the start on)
  detection delay      first such alert minus the start
  false alerts per day alerts outside ${PUMP_RULES.quietBeforeMs / 60_000} min before to ${PUMP_RULES.quietAfterMs / 60_000} min after the start
  false-alarm episodes those alerts grouped: a new episode after ${PUMP_RULES.falseEpisodeGapMs / 60_000} min without one
  chunk P/R/F1         ${PUMP_RULES.chunkMs / 1000} s chunks aligned on the start; positive = overlapping the first
                       ${PUMP_RULES.pumpChunkSpanMs / 1000} s; predicted = at least one alert; beside La Morgia et al. 2020

Options:
  --lstm               run the LSTM alone (lstmSlot) instead of the default detectors and report its
                       support-break de-risking: SUPPORT_AT_RISK / SUPPORT_BROKEN commands per
                       key-day outside the pumps, and during the pumps (start to 30 min after)
  --lstm-params JSON   LSTM parameters over its defaults, e.g. '{"supportWindowMs":300000}'
  --config FILE        configuration file: its detectors section selects the detectors, as in
                       'flowguard run', its policy section the circuit breaker (without it: the
                       runtimes' default, the pump rule alone)
${ruleFlagsHelp(23)}

Examples:
  flowguard pumps --json
  flowguard pumps --lstm`;

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
        lstm: { type: 'boolean', default: false },
        'lstm-params': { type: 'string' },
        config: { type: 'string' },
        ...RULE_FLAGS,
      },
    });
    let params: Partial<LstmParams> = {};
    if (values['lstm-params'])
      try {
        params = JSON.parse(values['lstm-params']) as Partial<LstmParams>;
      } catch (err) {
        throw new ConfigError(`--lstm-params must be a JSON object: ${(err as Error).message}`, {
          cause: err,
        });
      }
    const r = await evaluatePumps(values.trades, {
      config: withRuleFlags(loadConfig(values.config), values),
      ...(values.lstm ? { detectors: () => [lstmSlot(undefined, { params })], supportBreak: true } : {}),
      onEpisode: values.json
        ? undefined
        : (e) => {
            const b = e.supportBreak;
            const sec = (ms: number | null) => (ms === null ? '-' : `+${Math.round(ms / 1000)} s`);
            console.log(
              b
                ? `${e.coin.padEnd(5)} ${e.startIso}  outside: ${b.outside.atRisk} at risk, ${b.outside.broken} broken, ${b.outside.resumes} resumes in ${e.days.toFixed(1)} d; pump: ${b.pump.atRisk} at risk (first ${sec(b.firstAtRiskMs)}), ${b.pump.broken} broken (first ${sec(b.firstBrokenMs)})`
                : `${e.coin.padEnd(5)} ${e.startIso}  ${e.detected ? `detected ${e.delayMs! >= 0 ? '+' : ''}${(e.delayMs! / 1000).toFixed(1)} s` : 'missed        '}  false alerts ${e.falseAlerts} (${e.falseAlarmEpisodes} episodes) in ${e.days.toFixed(1)} d`,
            );
          },
    });
    if (values.json) {
      console.log(JSON.stringify(r));
      return 0;
    }
    const s = r.summary;
    if (s.supportBreak) {
      const b = s.supportBreak;
      console.log(
        `\nsupport-break de-risking outside the pumps: ${b.outside.atRisk} SUPPORT_AT_RISK (${b.outside.atRiskPerDay.toFixed(2)}/key-day), ` +
          `${b.outside.broken} SUPPORT_BROKEN (${b.outside.brokenPerDay.toFixed(2)}/key-day), ${b.outside.resumes} resumes in ${b.days.toFixed(1)} key-days; ` +
          `during the pumps: ${b.pump.atRisk} at risk, ${b.pump.broken} broken, ${b.pump.episodesDerisked} of ${s.episodes} episodes de-risked`,
      );
      return 0;
    }
    console.log(
      `\nrecall ${(s.recall * 100).toFixed(1)} % of ${s.episodes} (after start ${(s.recallAfterStart * 100).toFixed(1)} %); median delay ${s.medianDelayMs === null ? 'n/a' : `${(s.medianDelayMs / 1000).toFixed(1)} s`}; ` +
        `${s.falseAlertsPerDay.toFixed(2)} false alerts/day (${s.falseAlarmEpisodesPerDay.toFixed(2)} false-alarm episodes/day)`,
    );
    console.log(
      `25 s chunks: precision ${(s.chunk.precision * 100).toFixed(1)} %, recall ${(s.chunk.recall * 100).toFixed(1)} %, F1 ${(s.chunk.f1 * 100).toFixed(1)} % ` +
        `(paper: ${s.paper.chunk25s.precision * 100} / ${s.paper.chunk25s.recall * 100} / ${s.paper.chunk25s.f1 * 100} %)`,
    );
    return 0;
  },
};
