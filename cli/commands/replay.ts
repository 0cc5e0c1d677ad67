import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from '../../core/errors.ts';
import { loadConfig } from '../../core/loadConfig.ts';
import { FORMAT_NAMES } from '../../pipelines/formats/index.ts';
import { replayFiles } from '../../pipelines/replay.ts';
import { openRiskLists } from '../../pipelines/riskLists.ts';
import type { Command } from '../command.ts';
import { RULE_FLAGS, ruleFlagsHelp, withRuleFlags } from '../ruleFlags.ts';

const help = `Usage: flowguard replay PATH... --format F --out DIR [--venue V] [--order O] [--no-cross]
                        [--config F] [--aml DIR] [--rules | --no-rules] [--json]

Runs recorded data through the whole pipeline at full speed and writes
DIR/alerts.jsonl, DIR/commands.jsonl and DIR/deadletters.jsonl (one JSON object per line).
A directory PATH means every file in it and in its subdirectories, in name order (hidden files,
*.md and LICENSE files left out). The files are merged by event time: each file is read in its
own order and the files are interleaved, so captures of several venues or assets over the same
minutes meet in the cross-asset stage (cross-venue basis and dislocation, correlations), and a
day's file followed by the next day's simply continues. Replaying the same input twice gives
byte-identical alerts and commands.

Options:
  --format F   ${FORMAT_NAMES.join(' | ')}
  --out DIR    output directory (created if missing)
  --venue V    venue name (binance-ws guesses it from the folder: spot, usdm, cm)
  --order O    event-time (default) | file: one file after another, in the order given
  --no-cross   leave the cross-asset stage out
  --config F   configuration file: its detectors section selects the detectors as in
               'flowguard run' (default: the pump rule and the explicit rules), its policy
               section the circuit breaker, its aml section the risk lists
  --aml DIR    the address risk lists (../shared/aml layout), over aml.dir of the configuration;
               default none: the address features of transfers are computed without list labels
${ruleFlagsHelp(15)}
  --json       print the run summary as one JSON object

Examples:
  flowguard replay ../shared/market/binance --format binance-ws --out out/binance
  flowguard replay ../shared/market/binance/usdm/btcusdt_20240808.gz --format binance-ws --out out/usdm
  flowguard replay ../shared/pumps/trades --format binance-trades --order file --out out/pumps`;

/** Files a directory walk leaves out: they describe the data, they are not data. */
const NOT_DATA = /^(\.|readme|license|copying)|\.md$/i;

function expand(paths: readonly string[]): string[] {
  return paths.flatMap((p) => {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new ConfigError(`cannot read '${p}': no such file or directory`);
    }
    if (!st.isDirectory()) return [p];
    const names = readdirSync(p)
      .filter((f) => !NOT_DATA.test(f))
      .sort();
    return expand(names.map((f) => join(p, f)));
  });
}

const ORDERS = ['event-time', 'file'] as const;

export const replayCommand: Command = {
  name: 'replay',
  summary: 'run recorded data through the pipeline; write alerts.jsonl and commands.jsonl',
  help,
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        format: { type: 'string' },
        out: { type: 'string' },
        venue: { type: 'string' },
        order: { type: 'string', default: 'event-time' },
        'no-cross': { type: 'boolean', default: false },
        config: { type: 'string' },
        aml: { type: 'string' },
        ...RULE_FLAGS,
        json: { type: 'boolean', default: false },
      },
    });
    if (positionals.length === 0) throw new ConfigError('give at least one PATH to replay (see --help)');
    if (!values.format) throw new ConfigError(`--format is required: one of ${FORMAT_NAMES.join(', ')}`);
    if (!values.out) throw new ConfigError('--out DIR is required');
    const order = ORDERS.find((x) => x === values.order);
    if (!order) throw new ConfigError(`--order must be one of ${ORDERS.join(', ')}, got '${values.order}'`);
    const loaded = withRuleFlags(loadConfig(values.config), values);
    const config = values.aml ? { ...loaded, aml: { ...loaded.aml, dir: values.aml } } : loaded;
    // Before anything is written: a wrong list folder is an error at start.
    const lists = await openRiskLists(config.aml);
    const summary = await replayFiles({
      files: expand(positionals),
      format: values.format,
      out: values.out,
      order,
      cross: !values['no-cross'],
      config,
      riskBook: lists.book,
      ...(values.venue ? { venue: values.venue } : {}),
      progress: values.json ? undefined : (line) => console.error(line),
    });
    if (values.json) console.log(JSON.stringify(summary));
    else {
      const s = summary;
      console.log(
        `replayed ${s.messages} messages (${s.events} events, ${s.skipped} non-event lines, ${s.deadLetters} dead-lettered) ` +
          `from ${s.files} file(s) in ${(s.elapsedMs / 1000).toFixed(2)} s: ${Math.round(s.messagesPerSec)} messages/s`,
      );
      if (s.crossPairs > 0)
        console.log(
          `cross-asset stage: ${s.crossPairs} pairs, ${s.crossFrames} pair frames (${s.crossLateMids} mids later than their tick)`,
        );
      console.log(`alerts: ${s.alerts}   commands: ${JSON.stringify(s.commandsByAction)}`);
      console.log(`wrote ${s.outputs.alerts}, ${s.outputs.commands}, ${s.outputs.deadLetters}`);
    }
    return 0;
  },
};
