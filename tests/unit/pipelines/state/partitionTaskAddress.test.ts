import { describe, expect, it } from 'vitest';
import type { AddressRiskBook } from '../../../../features/index.ts';
import { taskFeatures } from '../../../../pipelines/distributed.ts';
import { detectorSlots } from '../../../../detectors/detectorSet.ts';
import type { Decision } from '../../../../pipelines/envelope.ts';
import { formatFor } from '../../../../pipelines/formats/index.ts';
import { openRiskLists } from '../../../../pipelines/riskLists.ts';
import { snapshotOf } from '../../../../pipelines/state/changelog.ts';
import {
  PartitionTask,
  type Checkpoint,
  type TaskContext,
} from '../../../../pipelines/state/partitionTask.ts';
import type { Alert } from '../../../../schemas/alert.ts';
import type { Command } from '../../../../schemas/command.ts';
import { Config } from '../../../../schemas/config.ts';
import type { Sink } from '../../../../sinks/sink.ts';
import { amlFixture, EXCHANGE, labelLine, SANCTIONED } from '../../../support/amlFixture.ts';

const RULES = Config.parse({ detectors: { rules: true } });
const T0 = Date.UTC(2026, 0, 5, 14, 0, 0);

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
    lines.push(
      JSON.stringify({
        schemaVersion: 1,
        eventId: `tx-${i}`,
        type: 'transfer',
        chain: 'ETH',
        txHash: `0x${i.toString(16).padStart(64, '0')}`,
        from,
        to,
        asset: 'ETH',
        amount: 1 + rnd(2_000),
        blockTime: T0 + i * 12_000,
        eventTime: T0 + i * 12_000,
      }),
    );
  }
  return lines;
}
const lines = stream();

/** A task as `flowguard run` builds it (taskFeatures over the process's lists), its outputs collected. */
function task(book: AddressRiskBook, snapshot?: ReturnType<typeof snapshotOf>) {
  const commands: Command[] = [];
  const alerts: Alert[] = [];
  const values: string[] = [];
  const sink = <T>(name: string, f: (b: readonly T[]) => void): Sink<T> => ({
    name,
    write: f,
    flush: async () => undefined,
    close: async () => undefined,
  });
  const ctx: TaskContext = {
    format: formatFor('events-jsonl', ''),
    features: taskFeatures(book, RULES),
    taskFeatures: () => taskFeatures(book, RULES),
    detectors: detectorSlots(RULES.detectors),
    policy: RULES.policy,
    clock: (sc) => sc.frame.eventTime,
    deadLetters: () => undefined,
    now: () => 0,
    outputs: {
      commands: [sink('c', (b) => commands.push(...b.map((d) => d.command)))],
      alerts: [sink('a', (b) => alerts.push(...b))],
      decisions: [
        sink<Decision>('d', (b) => {
          for (const d of b)
            values.push(`${d.scored.frame.subject.key} ${Array.from(d.scored.frame.values).join(',')}`);
        }),
      ],
    },
  };
  return { t: new PartitionTask(0, ctx, snapshot), commands, alerts, values };
}

const feed = (t: PartitionTask, from: number, to: number) => {
  for (let i = from; i < to; i++)
    t.process(
      { seq: i, bytes: lines[i]!, origin: { topic: 'e', partition: 0, offset: String(i) }, arrivalMs: 0 },
      i,
      0,
    );
};

const compact = (cps: Checkpoint[]) => {
  const m = new Map<string, string>();
  for (const cp of cps) {
    for (const r of cp.records) m.set(r.key, r.value);
    m.set(cp.manifestRecord.key, cp.manifestRecord.value);
  }
  return m;
};

/** Runs the stream with checkpoints at the cuts, then a new task from the changelog for the rest. */
async function interrupted(book: AddressRiskBook, edit: (records: Map<string, string>) => void = () => {}) {
  const first = task(book);
  const cps: Checkpoint[] = [];
  const cuts = [250, 420];
  let from = 0;
  for (const cut of cuts) {
    feed(first.t, from, cut);
    from = cut;
    const cp = first.t.snapshot()!;
    first.t.confirm(cp);
    cps.push(cp);
  }
  const records = compact(cps);
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
