import { describe, expect, it } from 'vitest';
import type { AddressRiskBook } from '../../../../features/index.ts';
import { taskFeatures } from '../../../../pipelines/distributed.ts';
import { detectorSlots } from '../../../../detectors/detectorSet.ts';
import { openRiskLists } from '../../../../pipelines/riskLists.ts';
import { snapshotOf } from '../../../../pipelines/state/changelog.ts';
import type { PartitionTask } from '../../../../pipelines/state/partitionTask.ts';
import { Config } from '../../../../schemas/config.ts';
import { amlFixture, EXCHANGE, labelLine, SANCTIONED, transferLine } from '../../../support/amlFixture.ts';
import { checkpointAtCuts, collectingTask, feedLines } from '../../../support/partitionTaskHarness.ts';

const RULES = Config.parse({ detectors: { rules: true } });

/**
 * Transfers among 40 wallets, the sanctioned address and an exchange (seeded), with a label event
 * of the stream: exposure two hops away depends on transfers long before, across the cuts.
 */
function stream(): string[] {
  let s = 11;
  const rnd = (n: number) => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return s % n;
  };
  const wallet = (i: number) => `0x${(0xa000 + i).toString(16).padStart(40, '0')}`;
  const lines: string[] = [];
  for (let i = 0; i < 600; i++) {
    if (i === 100) {
      lines.push(labelLine(i, wallet(7), 'phishing'));
      continue;
    }
    const r = rnd(100);
    const from = r < 3 ? SANCTIONED : wallet(rnd(40));
    const to = r > 96 ? EXCHANGE : wallet(rnd(40));
    lines.push(transferLine(i, from, to, 1 + rnd(2_000)));
  }
  return lines;
}
const lines = stream();

/** A task as `flowguard run` builds it (taskFeatures over the process's lists), its outputs collected. */
function task(book: AddressRiskBook, snapshot?: ReturnType<typeof snapshotOf>) {
  const r = collectingTask(
    {
      features: taskFeatures(book, RULES),
      taskFeatures: () => taskFeatures(book, RULES),
      detectors: detectorSlots(RULES.detectors),
      policy: RULES.policy,
    },
    { snapshot },
  );
  return {
    ...r,
    get values() {
      return r.decisions.map(
        (d) => `${d.scored.frame.subject.key} ${Array.from(d.scored.frame.values).join(',')}`,
      );
    },
  };
}

const feed = (t: PartitionTask, from: number, to: number) => feedLines(t, lines, from, to);

/** Runs the stream with checkpoints at the cuts, then a new task from the changelog for the rest. */
async function interrupted(book: AddressRiskBook, edit: (records: Map<string, string>) => void = () => {}) {
  const first = task(book);
  const cuts = [250, 420];
  const records = checkpointAtCuts(first.t, lines, cuts);
  edit(records);
  const restored = task(book, snapshotOf(0, records));
  feed(restored.t, cuts[1]!, lines.length);
  return {
    commands: [...first.commands, ...restored.commands].map((c) => c.commandId),
    alerts: [...first.alerts, ...restored.alerts].map((a) => a.alertId),
    values: [...first.values, ...restored.values],
  };
}

describe('partition task - address features, checkpointed and restored', () => {
  it('a task restored from its changelog (transfer graph and stream labels) decides as the uninterrupted one', async () => {
    const { book } = await openRiskLists({ dir: amlFixture(), refreshMs: 0, graphMaxNodes: 200_000 });
    const whole = task(book);
    feed(whole.t, 0, lines.length);
    // The lists and the graph were in use: the AML rule fired on the sanctioned address and on others.
    expect(whole.alerts.some((a) => a.detector === 'aml-risk-rule' && a.key === `addr:${SANCTIONED}`)).toBe(
      true,
    );
    expect(
      new Set(whole.alerts.filter((a) => a.detector === 'aml-risk-rule').map((a) => a.key)).size,
    ).toBeGreaterThan(5);

    const r = await interrupted(book);
    expect(r.commands).toEqual(whole.commands.map((c) => c.commandId));
    expect(r.alerts).toEqual(whole.alerts.map((a) => a.alertId));
    expect(r.values).toEqual(whole.values);
    // The partition's event labels stayed in its tasks: the process's book has none.
    expect(book.categories(`0x${(0xa000 + 7).toString(16).padStart(40, '0')}`)).toBe(0);
  }, 60_000);

  it('without the shared record (the graph and labels) the restored task decides otherwise: the test can fail', async () => {
    const { book } = await openRiskLists({ dir: amlFixture(), refreshMs: 0, graphMaxNodes: 200_000 });
    const whole = task(book);
    feed(whole.t, 0, lines.length);
    const r = await interrupted(book, (records) => {
      for (const [k, v] of records)
        if (k.endsWith('|__shared')) {
          const j = JSON.parse(v) as { epoch: number; state: Record<string, unknown> };
          delete j.state.__features;
          records.set(k, JSON.stringify(j));
        }
    });
    expect(r.values).not.toEqual(whole.values);
  }, 60_000);
});
