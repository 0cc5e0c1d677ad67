import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluatedDetectors } from '../../../cli/commands/evaluate.ts';
import { evaluateSuite } from '../../../evaluation/scenarios/evaluateSuite.ts';
import { embeddedRuntime } from '../../../pipelines/embedded.ts';
import { replayFiles } from '../../../pipelines/replay.ts';
import type { Alert } from '../../../schemas/alert.ts';
import { Config } from '../../../schemas/config.ts';
import { eventSource } from '../../../simulator/eventSource.ts';
import { washTrading } from '../../../simulator/scenarios/washTrading.ts';
import { simulate } from '../../../simulator/simulate.ts';
import { shared } from '../../support/shared.ts';

// A minute of wash trades on venue-b's SOLUSDT: the wash-trade rule catches it, the pump rule does not.
const events = [
  ...simulate({ seed: 1, durationMs: 150_000, scenarios: [{ scenario: washTrading, startMs: 60_000 }] }),
];
const KEY = 'vs:venue-b:SOLUSDT';
const RULES = Config.parse({ detectors: { rules: true } });
const DEFAULT = Config.parse({});
const onKey = (alerts: readonly Alert[]) => alerts.filter((a) => a.key === KEY).map((a) => a.detector);

describe('detector selection - every runtime runs the set detectors selects', () => {
  it('the embedded runtime (npm start): the rules catch a wash trade the default set does not', async () => {
    const run = async (config: Config) => {
      const rt = embeddedRuntime(eventSource(events), config, { heartbeats: false, staleFeeds: false });
      await rt.run();
      return onKey(rt.alerts.values());
    };
    expect(await run(RULES)).toContain('wash-trade-rule');
    expect(await run(DEFAULT)).toEqual([]);
  }, 60_000);

  it('replay: the configuration passed selects the detectors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fg-selection-'));
    const input = join(dir, 'events.jsonl');
    writeFileSync(input, events.map((e) => JSON.stringify(e)).join('\n') + '\n');
    const run = async (config: Config, out: string) => {
      const s = await replayFiles({ files: [input], format: 'events-jsonl', out: join(dir, out), config });
      const alerts = readFileSync(s.outputs.alerts, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Alert);
      return onKey(alerts);
    };
    expect(await run(RULES, 'rules')).toContain('wash-trade-rule');
    expect(await run(DEFAULT, 'default')).toEqual([]);
  }, 60_000);

  it('evaluate: the suite measures the set selected, and says which', async () => {
    const run = (detectors: Config['detectors']) =>
      evaluateSuite({
        seed: 1,
        amlDir: shared('aml'),
        only: ['wash-trading'],
        warmupMs: 30_000,
        tailMs: 5_000,
        normalMs: 40_000,
        normalWarmupMs: 30_000,
        workers: 1,
        detectors,
      });
    const on = (await run(RULES.detectors)).result;
    expect(on.settings.detectors).toEqual({ rules: true, ensemble: false });
    expect(on.scenarios[0]).toMatchObject({ detected: true, detectedBy: { detector: 'wash-trade-rule' } });
    const off = (await run(DEFAULT.detectors)).result;
    expect(off.settings.detectors).toEqual({ rules: false, ensemble: false });
    // The pump rule alone: nothing from the wash-trade rule (the pump rule may still see the
    // prints' burst on that key, as it did on seed 1 after this short warm-up).
    const offBy = [
      off.scenarios[0]!.detectedBy?.detector,
      ...off.scenarios[0]!.commands.map((c) => c.detector),
    ];
    expect(offBy.filter((d) => d !== undefined && d !== 'pump-rule')).toEqual([]);
  }, 120_000);
});

describe('flowguard evaluate - the detector set it measures', () => {
  it('the suite set (rules on) by default; --no-rules the runtimes default; --config the file', () => {
    expect(evaluatedDetectors({}).rules).toBe(true);
    expect(evaluatedDetectors({ 'no-rules': true }).rules).toBe(false);
    const dir = mkdtempSync(join(tmpdir(), 'fg-eval-config-'));
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ detectors: { rules: false } }));
    expect(evaluatedDetectors({ config: file }).rules).toBe(false);
    expect(evaluatedDetectors({ config: file, rules: true }).rules).toBe(true);
    expect(() => evaluatedDetectors({ rules: true, 'no-rules': true })).toThrow(/not both/);
  });
});
