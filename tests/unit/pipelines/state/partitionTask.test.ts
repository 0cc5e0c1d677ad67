import { describe, expect, it } from 'vitest';
import { defaultDetectorSlots } from '../../../../detectors/index.ts';
import { marketFeatures } from '../../../../features/index.ts';
import { snapshotOf } from '../../../../pipelines/state/changelog.ts';
import type { PartitionTask } from '../../../../pipelines/state/partitionTask.ts';
import { Config } from '../../../../schemas/config.ts';
import { simulateMarket } from '../../../../simulator/marketSimulator.ts';
import {
  checkpointAtCuts,
  collectingTask,
  compactChangelog,
  feedLines,
} from '../../../support/partitionTaskHarness.ts';

const pumps = (['BTCUSDT', 'SOLUSDT'] as const).map(
  (symbol, i) =>
    ({
      kind: 'pump',
      venue: 'venue-a',
      symbol,
      startMs: 90_000 + i * 60_000,
      durationMs: 20_000,
      rise: 0.03,
      intensity: 12,
    }) as const,
);
const lines = [...simulateMarket({ seed: 3, manipulations: pumps }, 240_000)].map((e) => JSON.stringify(e));

/** A task whose commands (and decisions' frame values) are collected. */
function task(snapshot?: ReturnType<typeof snapshotOf>) {
  const r = collectingTask(
    { features: marketFeatures, detectors: defaultDetectorSlots(), policy: Config.parse({}).policy },
    { snapshot },
  );
  return {
    ...r,
    get values() {
      return r.decisions.map((d) => Array.from(d.scored.frame.values).join(','));
    },
  };
}

const feed = (t: PartitionTask, from: number, to: number) => feedLines(t, lines, from, to);
const compact = compactChangelog;

describe('partition task - checkpoint and restore', () => {
  it('a task restored from its changelog decides exactly what the uninterrupted task decides', () => {
    const whole = task();
    feed(whole.t, 0, lines.length);
    expect(whole.commands.map((c) => c.action)).toContain('HALT');

    const first = task();
    const third = Math.floor(lines.length / 3);
    const restored = task(snapshotOf(0, checkpointAtCuts(first.t, lines, [third, 2 * third])));
    expect(restored.t.nextOffset).toBe(2 * third);
    expect(restored.t.counts.messages).toBe(2 * third);
    feed(restored.t, 2 * third, lines.length);
    expect([...first.commands, ...restored.commands].map((c) => c.commandId)).toEqual(
      whole.commands.map((c) => c.commandId),
    );
    expect([...first.values, ...restored.values]).toEqual(whole.values);
  });

  it('an unfinished checkpoint (records written, manifest not) leaves the previous one readable', () => {
    const a = task();
    feed(a.t, 0, 5_000);
    const cp1 = a.t.snapshot()!;
    a.t.confirm(cp1);
    feed(a.t, 5_000, 9_000);
    const cp2 = a.t.snapshot()!;
    // Crash after cp2's state records, before its manifest: the changelog holds cp1's manifest.
    const log = compact([cp1]);
    for (const r of cp2.records) log.set(r.key, r.value);
    const snap = snapshotOf(0, log);
    expect(snap.manifest!.offset).toBe(4_999);
    const b = task(snap);
    const whole = task();
    feed(whole.t, 0, 12_000);
    feed(b.t, 5_000, 12_000);
    expect(b.values).toEqual(whole.values.slice(-b.values.length));
  });

  it('a late checkpoint of the previous owner mixed with the next owner’s unfinished one is not restored from', () => {
    // A checkpoints offset 2999 (epoch E), then snapshots 5999 (E+1). The partition moves to B,
    // which restores E before A's last request lands; B's first checkpoint (8999) is also E+1.
    const a = task();
    feed(a.t, 0, 3_000);
    const cpE = a.t.snapshot()!;
    a.t.confirm(cpE);
    feed(a.t, 3_000, 6_000);
    const cpA = a.t.snapshot()!;
    const b = task(snapshotOf(0, compact([cpE])));
    feed(b.t, 3_000, 9_000);
    const cpB = b.t.snapshot()!;
    expect(cpB.manifest.epoch).toBe(cpA.manifest.epoch);
    expect(cpB.manifestRecord.key).toBe(cpA.manifestRecord.key);
    const aKeys = new Set(cpA.records.map((r) => r.key));
    const written = cpB.records.slice(0, Math.ceil(cpB.records.length / 2));
    expect(written.some((r) => aKeys.has(r.key))).toBe(true);
    // A's manifest lands late, then B crashes after its first records, before its manifest.
    const log = compact([cpE, cpA]);
    for (const r of written) log.set(r.key, r.value);
    const snap = snapshotOf(0, log);
    expect(snap.manifest!.offset).toBe(2_999);
    expect(snap.passedOver).toHaveLength(1);
    expect(snap.passedOver[0]).toMatch(
      new RegExp(
        `checkpoint of epoch ${cpA.manifest.epoch} by writer ${a.t.writer} .* by writer ${b.t.writer}; it was overwritten by another writer`,
      ),
    );
    // Restored from E, the next owner decides what the uninterrupted task decides.
    const c = task(snap);
    const whole = task();
    feed(whole.t, 0, 12_000);
    feed(c.t, 3_000, 12_000);
    expect(c.values).toEqual(whole.values.slice(-c.values.length));
    // Had B's checkpoint been complete, its manifest would have superseded A's late one.
    const done = compact([cpE, cpA, cpB]);
    expect(snapshotOf(0, done).manifest!.offset).toBe(8_999);
    expect(snapshotOf(0, done).passedOver).toEqual([]);
  });

  it('nothing processed since the last checkpoint writes nothing', () => {
    const a = task();
    expect(a.t.snapshot()).toBeUndefined();
    feed(a.t, 0, 100);
    a.t.confirm(a.t.snapshot()!);
    expect(a.t.snapshot()).toBeUndefined();
  });
});
