import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchEmbedded } from '../../bench/embeddedLatency.ts';
import { benchReplay } from '../../bench/replayThroughput.ts';
import type { Command } from '../command.ts';

const help = `Usage: flowguard bench [--json] [--shared DIR]

Throughput and latency of the pipeline in process:
  - replay of every real Binance capture (../shared/market/binance) at full speed: messages/s
    per market and the process's peak memory;
  - the embedded pipeline on simulated flow with injected pumps: events/s and the latency from
    an event's arrival to the engine's acknowledgement of the command it triggered (p50/p99/max).
--json prints one JSON object on stdout.

Example:
  flowguard bench --json`;

const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : 'n/a');

export const benchCommand: Command = {
  name: 'bench',
  summary: 'throughput and latency figures of the pipeline',
  help,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        json: { type: 'boolean', default: false },
        shared: { type: 'string', default: join('..', 'shared') },
      },
    });
    const replay = await benchReplay(join(values.shared, 'market', 'binance'));
    const embedded = await benchEmbedded();
    const h = embedded.haltLatency;
    const result = {
      replay,
      embedded,
      eventsPerSec: embedded.eventsPerSec,
      p50Ms: h.p50Ms,
      p99Ms: h.p99Ms,
      maxMs: h.maxMs,
    };
    if (values.json) {
      console.log(JSON.stringify(result));
      return 0;
    }
    console.log('replay of the real Binance captures (full pipeline, full speed):');
    for (const m of replay.markets)
      console.log(
        `  ${m.market.padEnd(5)} ${String(m.files).padStart(2)} files ${String(m.messages).padStart(8)} messages ${String(m.messagesPerSec).padStart(7)} msg/s  (${m.deadLetters} dead letters)`,
      );
    console.log(
      `  total ${replay.total.messages} messages at ${replay.total.messagesPerSec} msg/s; peak RSS ${(replay.peakRssBytes / 2 ** 20).toFixed(0)} MiB`,
    );
    console.log(
      `embedded pipeline on simulated flow: ${embedded.events} events at ${embedded.eventsPerSec} events/s`,
    );
    console.log(
      `  halts (${h.count}): event arrival -> engine ack p50 ${ms(h.p50Ms)} ms, p99 ${ms(h.p99Ms)} ms, max ${ms(h.maxMs)} ms`,
    );
    const c = embedded.commandLatency;
    console.log(
      `  all commands (${c.count}): p50 ${ms(c.p50Ms)} ms, p99 ${ms(c.p99Ms)} ms, max ${ms(c.maxMs)} ms`,
    );
    return 0;
  },
};
