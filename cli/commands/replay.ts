import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from '../../core/errors.ts';
import { FORMAT_NAMES } from '../../pipelines/formats/index.ts';
import { replayFiles } from '../../pipelines/replay.ts';
import type { Command } from '../command.ts';

const help = `Usage: flowguard replay PATH... --format F --out DIR [--venue V] [--json]

Runs recorded data through the whole pipeline at full speed and writes
DIR/alerts.jsonl, DIR/commands.jsonl and DIR/deadletters.jsonl (one JSON object per line).
A directory PATH means every file in it, in name order. Replaying the same input twice gives
byte-identical alerts and commands.

Options:
  --format F   ${FORMAT_NAMES.join(' | ')}
  --out DIR    output directory (created if missing)
  --venue V    venue name (binance-ws guesses it from the folder: spot, usdm, cm)
  --json       print the run summary as one JSON object

Examples:
  flowguard replay ../shared/market/binance/usdm/btcusdt_20240808.gz --format binance-ws --out out/usdm
  flowguard replay ../shared/pumps/trades --format binance-trades --out out/pumps`;

function expand(paths: string[]): string[] {
  return paths.flatMap((p) => {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new ConfigError(`cannot read '${p}': no such file or directory`);
    }
    return st.isDirectory()
      ? readdirSync(p)
          .filter((f) => !f.startsWith('.') && !f.endsWith('.md'))
          .sort()
          .map((f) => join(p, f))
      : [p];
  });
}

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
        json: { type: 'boolean', default: false },
      },
    });
    if (positionals.length === 0) throw new ConfigError('give at least one PATH to replay (see --help)');
    if (!values.format) throw new ConfigError(`--format is required: one of ${FORMAT_NAMES.join(', ')}`);
    if (!values.out) throw new ConfigError('--out DIR is required');
    const summary = await replayFiles({
      files: expand(positionals),
      format: values.format,
      out: values.out,
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
      console.log(`alerts: ${s.alerts}   commands: ${JSON.stringify(s.commandsByAction)}`);
      console.log(`wrote ${s.outputs.alerts}, ${s.outputs.commands}, ${s.outputs.deadLetters}`);
    }
    return 0;
  },
};
