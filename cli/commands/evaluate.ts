import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseDuration } from '../../core/duration.ts';
import { ConfigError } from '../../core/errors.ts';
import { evaluateSuite } from '../../evaluation/scenarios/evaluateSuite.ts';
import { htmlReport } from '../../evaluation/scenarios/htmlReport.ts';
import { sharedDir } from '../../evaluation/scenarios/sharedData.ts';
import { Config } from '../../schemas/config.ts';
import { scenarios } from '../../simulator/scenarios/index.ts';
import { loadConfig } from '../../core/loadConfig.ts';
import type { Command } from '../command.ts';
import { RULE_FLAGS, ruleFlagsHelp, withRuleFlags } from '../ruleFlags.ts';

const help = `Usage: flowguard evaluate [--seed N] [--json] [--out DIR] [--only a,b] [--workers 2]
                         [--normal 1h] [--warmup 6m] [--aml DIR] [--config FILE]
                         [--rules | --no-rules]

The labelled scenario suite: every scenario of the market simulator runs inside normal background
flow (its own run, the scenario starting after --warmup) through the whole pipeline, features,
detectors, policy and the stale-feed check, on event time. Per scenario: detected (an alert or a
command on one of its keys inside its window), the detection delay from its start in event time,
and the commands issued on its keys. A separate run of normal flow alone (--normal long, its
first 5 minutes excluded) gives false alerts and false halts per simulated hour. Deterministic by
seed. Without --config the detectors are the suite's set: the pump rule and the explicit rules, i.e.
{"detectors": {"rules": true}}, which 'flowguard run' and the demo use only when configured so
(their default is the pump rule alone: --no-rules measures that); with --config FILE, the file's
detectors section. The JSON names the set in settings.detectors. Writes DIR/evaluation.json and DIR/evaluation.html (per scenario: price, the
features that moved, detector scores and commands on one time axis).

Scenarios: ${scenarios.map((s) => s.name).join(', ')}

Options:
  --seed N        simulator seed (default 1)
  --json          print the evaluation as one JSON object on stdout (progress goes to stderr)
  --out DIR       where the JSON and the HTML go (default out/evaluate-seed-N)
  --only LIST     comma-separated scenario names (default: all)
  --workers N     worker threads (default 2)
  --normal D      length of the normal-flow run (default 1h)
  --warmup D      simulated time before each scenario (default 6m: the 5-minute cross-venue windows fill)
  --aml DIR       the AML lists (default ../shared/aml)
  --config FILE   configuration file: its detectors section selects the detectors measured
                  (without it: the pump rule and the explicit rules)
${ruleFlagsHelp(18)}

Example:
  npx flowguard evaluate --seed 1 --json > out/eval-1.json`;

/**
 * The detector set `evaluate` measures: the suite's (the pump rule and the explicit rules) unless a
 * configuration file or --no-rules says otherwise. The runtimes' default is the pump rule alone
 * (detectors.rules false), which `--no-rules` measures.
 */
export function evaluatedDetectors(v: { config?: string; rules?: boolean; 'no-rules'?: boolean }) {
  const base = loadConfig(v.config);
  const suite = v.config ? base : { ...base, detectors: { ...base.detectors, rules: true } };
  return withRuleFlags(suite, v).detectors;
}

export const evaluateCommand: Command = {
  name: 'evaluate',
  summary: 'labelled scenario suite: detection, delay, commands; false alerts and halts per hour',
  help,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        seed: { type: 'string', default: '1' },
        json: { type: 'boolean', default: false },
        out: { type: 'string' },
        only: { type: 'string' },
        workers: { type: 'string', default: '2' },
        normal: { type: 'string', default: '1h' },
        warmup: { type: 'string', default: '6m' },
        aml: { type: 'string' },
        config: { type: 'string' },
        ...RULE_FLAGS,
      },
    });
    const seed = Number(values.seed);
    if (!Number.isInteger(seed)) throw new ConfigError(`--seed must be an integer, got '${values.seed}'`);
    const workers = Number(values.workers);
    if (!(Number.isInteger(workers) && workers >= 1))
      throw new ConfigError(`--workers must be a positive integer, got '${values.workers}'`);
    const only = values.only
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const n of only ?? [])
      if (!scenarios.some((s) => s.name === n))
        throw new ConfigError(
          `--only: no scenario named '${n}'; scenarios: ${scenarios.map((s) => s.name).join(', ')}`,
        );
    const detectors = evaluatedDetectors(values);
    const out = values.out ?? join('out', `evaluate-seed-${seed}`);
    const log = (line: string) => console.error(line);
    if (!values.json)
      log(
        `flowguard evaluate: seed ${seed}, ${only?.length ?? scenarios.length} scenarios and normal flow on ${workers} worker(s)`,
      );
    const artifacts = await evaluateSuite({
      seed,
      amlDir: values.aml ?? join(sharedDir(), 'aml'),
      ...(only ? { only } : {}),
      workers,
      detectors,
      normalMs: parseDuration(values.normal, '--normal'),
      warmupMs: parseDuration(values.warmup, '--warmup'),
      progress: log,
    });
    const r = artifacts.result;
    mkdirSync(out, { recursive: true });
    const json = JSON.stringify(r);
    writeFileSync(join(out, 'evaluation.json'), json + '\n');
    writeFileSync(join(out, 'evaluation.html'), htmlReport(artifacts, Config.parse({}).policy));
    if (values.json) console.log(json);
    else {
      const pad = (s: string, n: number) => s.padEnd(n);
      console.log(`${pad('scenario', 26)}${pad('detected', 10)}${pad('delay', 10)}first`);
      for (const s of r.scenarios)
        console.log(
          `${pad(s.name, 26)}${pad(s.detected ? 'yes' : 'no', 10)}${pad(s.detectionDelayMs === null ? '-' : `${s.detectionDelayMs} ms`, 10)}` +
            `${s.detectedBy ? `${s.detectedBy.what} by ${s.detectedBy.detector}` : ''}`,
        );
      const n = r.normalFlow;
      console.log(
        `\n${r.summary.detected}/${r.summary.scenarios} detected, median delay ${r.summary.medianDetectionDelayMs ?? '-'} ms; ` +
          `normal flow (${n.hours} h): ${n.falseAlertsPerHour} false alerts/h, ${n.falseHaltsPerHour} false halts/h`,
      );
    }
    log(
      `wrote ${join(out, 'evaluation.json')} and ${join(out, 'evaluation.html')} in ${(artifacts.elapsedMs / 1000).toFixed(0)} s`,
    );
    return 0;
  },
};
