import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AddressRiskBook } from '../../../features/index.ts';
import { embeddedRuntime } from '../../../pipelines/embedded.ts';
import { replayFiles } from '../../../pipelines/replay.ts';
import { openRiskLists } from '../../../pipelines/riskLists.ts';
import type { Alert } from '../../../schemas/alert.ts';
import type { Command } from '../../../schemas/command.ts';
import { Config } from '../../../schemas/config.ts';
import { InputEvent } from '../../../schemas/event.ts';
import { eventSource } from '../../../simulator/eventSource.ts';
import { amlFixture, labelLine, OTHER, SANCTIONED, transferLines, USER } from '../../support/amlFixture.ts';

const RULES = Config.parse({ detectors: { rules: true } });
const lists = async () =>
  (await openRiskLists({ dir: amlFixture(), refreshMs: 0, graphMaxNodes: 200_000 })).book;
const amlAlerts = (alerts: readonly Alert[]) =>
  alerts.filter((a) => a.detector === 'aml-risk-rule').map((a) => `${a.key} ${a.severity}`);

async function embedded(lines: string[], config: Config, riskBook?: AddressRiskBook) {
  const events = lines.map((l) => InputEvent.parse(JSON.parse(l)));
  const rt = embeddedRuntime(eventSource(events), config, {
    heartbeats: false,
    staleFeeds: false,
    ...(riskBook ? { riskBook } : {}),
  });
  await rt.run();
  return { alerts: rt.alerts.values(), commands: rt.commands.values() };
}

async function replay(lines: string[], config: Config, riskBook?: AddressRiskBook) {
  const dir = mkdtempSync(join(tmpdir(), 'flowguard-replay-aml-'));
  writeFileSync(join(dir, 'transfers.jsonl'), lines.join('\n') + '\n');
  await replayFiles({
    files: [join(dir, 'transfers.jsonl')],
    format: 'events-jsonl',
    out: join(dir, 'out'),
    config,
    ...(riskBook ? { riskBook } : {}),
  });
  const read = <T>(f: string) =>
    readFileSync(join(dir, 'out', f), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as T);
  return { alerts: read<Alert>('alerts.jsonl'), commands: read<Command>('commands.jsonl') };
}

describe.each([
  ['embedded runtime', embedded],
  ['replay', replay],
])('%s - address features and the AML lists', (_name, run) => {
  it('with the lists loaded and the rules on, a transfer from a sanctioned address alerts on both its addresses', async () => {
    const { alerts, commands } = await run(transferLines(), RULES, await lists());
    // The sanctioned sender at risk 1 (halt), the user one hop away at 0.5, at both its transfers.
    expect(amlAlerts(alerts)).toEqual([
      `addr:${SANCTIONED} critical`,
      `addr:${USER} warning`,
      `addr:${USER} warning`,
    ]);
    expect(commands.map((c) => `${c.action} ${c.scope.key}`)).toEqual([
      `HALT addr:${SANCTIONED}`,
      `THROTTLE addr:${USER}`,
    ]);
  });

  it('without lists the same transfers raise nothing', async () => {
    const { alerts, commands } = await run(transferLines(), RULES);
    expect(alerts).toEqual([]);
    expect(commands).toEqual([]);
  });

  it('without lists the address features are still computed: a label event of the stream makes its address risky', async () => {
    const lines = [labelLine(0, OTHER, 'sanctioned'), ...transferLines()];
    const { alerts } = await run(lines, RULES);
    expect(amlAlerts(alerts)).toContain(`addr:${USER} warning`);
    expect(amlAlerts(alerts).some((a) => a.startsWith(`addr:${SANCTIONED}`))).toBe(false);
  });

  it('with the rules off (the default), the lists alone alert nothing', async () => {
    const { alerts } = await run(transferLines(), Config.parse({}), await lists());
    expect(amlAlerts(alerts)).toEqual([]);
  });
});
