import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { createGzip } from 'node:zlib';
import { parseDuration } from '../../core/duration.ts';
import { ConfigError } from '../../core/errors.ts';
import { sharedDir } from '../../evaluation/scenarios/sharedData.ts';
import { SIMULATION_START } from '../../evaluation/scenarios/runSimulation.ts';
import { readAmlLists } from '../../simulator/addressBook.ts';
import { binanceCaptureStats } from '../../simulator/realism/binanceCaptures.ts';
import { compareRealism, realismMarkdown } from '../../simulator/realism/compare.ts';
import { scenarioNamed, scenarios } from '../../simulator/scenarios/index.ts';
import type { GroundTruth } from '../../simulator/scenario.ts';
import { simulate } from '../../simulator/simulate.ts';
import type { Command } from '../command.ts';

const help = `Usage: flowguard simulate [--scenario NAME] [--seed N] --out FILE [--start-after 6m] [--duration D]
       flowguard simulate --list
       flowguard simulate --realism [--real DIR] [--img DIR] [--minutes 30]

Writes the simulator's events (normal flow: 3 symbols on 3 venues, reference prices and NFT
floors, an Ethereum-like chain with addresses from the shared AML lists; plus one scenario) as
events-jsonl, one event per line, in event-time order: replay it with
'flowguard replay FILE --format events-jsonl' or send it to Kafka. The scenario's ground truth
(keys, start, end) goes to FILE.truth.json. A FILE ending in .gz is gzipped.

--realism computes the same statistics on the real Binance captures and on simulated normal
flow, prints the comparison table (Markdown) and writes its figures as SVG.

Scenarios: ${scenarios.map((s) => s.name).join(', ')}

Options:
  --scenario NAME    a scenario of the suite (default: normal flow only)
  --seed N           seed (default 1)
  --out FILE         output file
  --start-after D    simulated time before the scenario starts (default 6m)
  --duration D       total simulated time (default: start + the scenario + 1m; 10m without one)
  --aml DIR          AML lists for the chain (default ../shared/aml)
  --list             list the scenarios with their descriptions
  --realism          compare with the real captures
  --real DIR         Binance captures (default ../shared/market/binance)
  --img DIR          where the figures go (default docs/img)
  --minutes N        simulated minutes for --realism (default 30)

Examples:
  npx flowguard simulate --scenario spoofing --seed 3 --out out/spoofing.jsonl
  npx flowguard replay out/spoofing.jsonl --format events-jsonl --out out/spoofing-replay`;

export const simulateCommand: Command = {
  name: 'simulate',
  summary: 'write simulated events (normal flow plus a scenario) as events-jsonl; --realism',
  help,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        scenario: { type: 'string' },
        seed: { type: 'string', default: '1' },
        out: { type: 'string' },
        'start-after': { type: 'string', default: '6m' },
        duration: { type: 'string' },
        aml: { type: 'string' },
        list: { type: 'boolean', default: false },
        realism: { type: 'boolean', default: false },
        real: { type: 'string' },
        img: { type: 'string', default: join('docs', 'img') },
        minutes: { type: 'string', default: '30' },
      },
    });
    if (values.list) {
      for (const s of scenarios) console.log(`${s.name.padEnd(26)}${s.description}`);
      return 0;
    }
    const seed = Number(values.seed);
    if (!Number.isInteger(seed)) throw new ConfigError(`--seed must be an integer, got '${values.seed}'`);
    const aml = readAmlLists(values.aml ?? join(sharedDir(), 'aml'));
    if (values.realism) {
      const minutes = Number(values.minutes);
      if (!(minutes > 0)) throw new ConfigError(`--minutes must be positive, got '${values.minutes}'`);
      const real = await binanceCaptureStats(values.real ?? join(sharedDir(), 'market', 'binance'));
      const c = compareRealism(
        real,
        simulate({ seed, startTime: SIMULATION_START, durationMs: minutes * 60_000, aml }),
      );
      mkdirSync(values.img, { recursive: true });
      for (const [name, svg] of Object.entries(c.figures)) writeFileSync(join(values.img, name), svg + '\n');
      console.log(realismMarkdown(c));
      console.error(
        `wrote ${Object.keys(c.figures)
          .map((n) => join(values.img, n))
          .join(', ')}`,
      );
      return 0;
    }
    if (!values.out) throw new ConfigError('--out FILE is required (or --list, --realism)');
    const scenario = values.scenario === undefined ? undefined : scenarioNamed(values.scenario);
    if (values.scenario !== undefined && !scenario)
      throw new ConfigError(`--scenario: no scenario named '${values.scenario}'; see --list`);
    const startMs = parseDuration(values['start-after'], '--start-after');
    const durationMs = values.duration
      ? parseDuration(values.duration, '--duration')
      : scenario
        ? startMs + scenario.durationMs + 60_000
        : 600_000;
    const truths: GroundTruth[] = [];
    mkdirSync(dirname(values.out), { recursive: true });
    const file = createWriteStream(values.out);
    const gz = values.out.endsWith('.gz') ? createGzip() : undefined;
    if (gz) gz.pipe(file);
    const sink = gz ?? file;
    let n = 0;
    let chunk: string[] = [];
    const drain = async () => {
      if (!sink.write(chunk.join(''))) await once(sink, 'drain');
      chunk = [];
    };
    for (const e of simulate({
      seed,
      startTime: SIMULATION_START,
      durationMs,
      aml,
      scenarios: scenario ? [{ scenario, startMs }] : [],
      onTruth: (t) => void truths.push(t),
    })) {
      chunk.push(JSON.stringify(e) + '\n');
      if (++n % 5000 === 0) await drain();
    }
    await drain();
    sink.end();
    await once(file, 'close');
    writeFileSync(`${values.out}.truth.json`, JSON.stringify(truths, null, 2) + '\n');
    console.error(
      `wrote ${n} events (${(durationMs / 60_000).toFixed(1)} simulated minutes, seed ${seed}) to ${values.out}` +
        (truths.length ? `; ground truth in ${values.out}.truth.json` : ''),
    );
    return 0;
  },
};
