import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchEmbedded } from '../../bench/embeddedLatency.ts';
import { benchKafka } from '../../bench/kafkaBench.ts';
import { benchReplay } from '../../bench/replayThroughput.ts';
import { ConfigError, ServiceError } from '../../core/errors.ts';
import { servicesStatus } from '../../services/index.ts';
import type { Command } from '../command.ts';

const help = `Usage: flowguard bench [--json] [--shared DIR]
       flowguard bench --kafka [--rate N] [--seconds S] [--instances N] [--backlog N]
                       [--partitions N] [--no-cross] [--json]

Throughput and latency of the pipeline in process:
  - replay of every real Binance capture (../shared/market/binance) at full speed: messages/s
    per market and the process's peak memory;
  - the embedded pipeline on simulated flow with injected pumps: events/s and the latency from
    an event's arrival to the engine's acknowledgement of the command it triggered (p50/p99/max).

With --kafka, through the local broker ('flowguard services up' first): simulated events
(3 symbols x 4 venues, pumps on every key in turn) offered at --rate events/s [10000] for --seconds
[30] to --instances [1] pipeline instances (child processes, one consumer group) and the
reference engine on Kafka. Reports the sustained events/s, event-to-ack latency of halts (top
level p50Ms/p99Ms/maxMs) and of all commands, from the event's produce to the ack's arrival back
(one clock), split along the command path (haltPath, allCommandsPath); each stage's processing
time; the instances' capacity draining a --backlog [150000] of events; and a plain kafkajs
consumer's rate on the same topic. --partitions [6] of the events topic; --no-cross leaves the
cross-asset stage out. --json prints one JSON object on stdout.

Each key halts once, so a run has only about 8 halts (their p99 is their max) and a few dozen
commands. eventToPipeline is the first part of the path (event produced -> an instance about to
process it) for every event of the paced phase, hundreds of thousands of samples: its p99 and max
are the tail that a consume loop held up (checkpoints, pauses) adds to any halt.

Examples:
  flowguard bench --json
  flowguard bench --kafka --json
  flowguard bench --kafka --instances 2 --rate 10000 --seconds 60 --json`;

const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : 'n/a');

function positive(name: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0)
    throw new ConfigError(`--${name} must be a positive number, got '${raw}'`);
  return n;
}

async function runKafka(values: Record<string, string | boolean | undefined>): Promise<number> {
  const status = await servicesStatus({ onProgress: () => undefined });
  if (!status.kafka.running)
    throw new ServiceError(
      "the local Kafka broker is not running: start it with 'npx flowguard services up'",
    );
  const json = values['json'] === true;
  const r = await benchKafka({
    brokers: status.kafka.brokers,
    rate: positive('rate', String(values['rate'])),
    seconds: positive('seconds', String(values['seconds'])),
    instances: Math.round(positive('instances', String(values['instances']))),
    backlog: Math.round(positive('backlog', String(values['backlog']))),
    partitions: Math.round(positive('partitions', String(values['partitions']))),
    seed: 1,
    crossStage: values['no-cross'] !== true,
    log: (line) => process.stderr.write(`[bench] ${line}\n`),
  });
  if (json) {
    console.log(JSON.stringify(r));
    return 0;
  }
  console.log(
    `${r.instances} instance(s), ${r.partitions} partitions, offered ${r.offeredRate} events/s for ${r.seconds} s: sustained ${r.eventsPerSec} events/s (max lag ${r.maxLagEvents} events)`,
  );
  console.log(
    `  halts (${r.halts.count}): event produced -> ack back p50 ${ms(r.p50Ms)} ms, p99 ${ms(r.p99Ms)} ms, max ${ms(r.maxMs)} ms`,
  );
  const c = r.allCommands;
  console.log(
    `  all commands (${c.count}): p50 ${ms(c.p50Ms)} ms, p99 ${ms(c.p99Ms)} ms, max ${ms(c.maxMs)} ms`,
  );
  const e = r.eventToPipeline;
  console.log(
    `  every event, produced -> pipeline (${e.count}): p50 ${ms(e.p50Ms)} ms, p99 ${ms(e.p99Ms)} ms, max ${ms(e.maxMs)} ms`,
  );
  console.log('  halt path (p50 / p99 / max ms):');
  for (const [part, s] of Object.entries(r.haltPath))
    console.log(`    ${part.padEnd(12)} ${ms(s.p50Ms)} / ${ms(s.p99Ms)} / ${ms(s.maxMs)}`);
  console.log('  processing per message (p50 / p99 ms):');
  for (const st of r.stages)
    console.log(
      `    ${st.instance}: ${Object.entries(st.perMessage)
        .map(([k, v]) => `${k} ${ms(v.p50Ms)}/${ms(v.p99Ms)}`)
        .join(', ')}`,
    );
  console.log(
    `  capacity draining a backlog: ${r.capacityEventsPerSec ?? 'n/a'} events/s; plain kafkajs consumer: ${r.rawConsumeEventsPerSec} messages/s`,
  );
  return 0;
}

export const benchCommand: Command = {
  name: 'bench',
  summary: 'throughput and latency figures of the pipeline (in process, or through Kafka)',
  help,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        json: { type: 'boolean', default: false },
        shared: { type: 'string', default: join('..', 'shared') },
        kafka: { type: 'boolean', default: false },
        rate: { type: 'string', default: '10000' },
        seconds: { type: 'string', default: '30' },
        instances: { type: 'string', default: '1' },
        backlog: { type: 'string', default: '150000' },
        partitions: { type: 'string', default: '6' },
        'no-cross': { type: 'boolean', default: false },
      },
    });
    if (values.kafka) return runKafka(values);
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
