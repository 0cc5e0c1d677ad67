import type { Decision } from '../../pipelines/envelope.ts';
import { formatFor } from '../../pipelines/formats/index.ts';
import type { snapshotOf } from '../../pipelines/state/changelog.ts';
import { PartitionTask, type Checkpoint, type TaskContext } from '../../pipelines/state/partitionTask.ts';
import type { Alert } from '../../schemas/alert.ts';
import type { Command } from '../../schemas/command.ts';
import type { Sink } from '../../sinks/sink.ts';

/** What a test task is built from: the rest of its TaskContext is the same for every test. */
export type TaskSetup = Pick<TaskContext, 'features' | 'taskFeatures' | 'detectors' | 'policy'>;

const sink = <T>(name: string, write: (b: readonly T[]) => void): Sink<T> => ({
  name,
  write,
  flush: async () => undefined,
  close: async () => undefined,
});

/**
 * A partition task over events-jsonl lines, on event time, whose commands, alerts and decisions are
 * collected in order.
 */
export function collectingTask(
  setup: TaskSetup,
  o: { partition?: number; snapshot?: ReturnType<typeof snapshotOf> } = {},
) {
  const commands: Command[] = [];
  const alerts: Alert[] = [];
  const decisions: Decision[] = [];
  const ctx: TaskContext = {
    ...setup,
    format: formatFor('events-jsonl', ''),
    clock: (s) => s.frame.eventTime,
    deadLetters: () => undefined,
    now: () => 0,
    outputs: {
      commands: [sink('c', (b) => commands.push(...b.map((d) => d.command)))],
      alerts: [sink('a', (b) => alerts.push(...b))],
      decisions: [sink<Decision>('d', (b) => decisions.push(...b))],
    },
  };
  return { t: new PartitionTask(o.partition ?? 0, ctx, o.snapshot), commands, alerts, decisions };
}

/** Feeds lines [from, to) (those `keep` accepts) to the task, offset = line index. */
export function feedLines(
  t: PartitionTask,
  lines: readonly string[],
  from: number,
  to: number,
  keep: (i: number) => boolean = () => true,
): void {
  for (let i = from; i < to; i++)
    if (keep(i))
      t.process(
        {
          seq: i,
          bytes: lines[i]!,
          origin: { topic: 'e', partition: t.partition, offset: String(i) },
          arrivalMs: 0,
        },
        i,
        0,
      );
}

/**
 * Feeds lines [0, last cut) to the task, checkpointing (snapshot, then confirm as the broker would)
 * at each cut, and returns the changelog as compaction leaves it: what a successor restores from.
 */
export function checkpointAtCuts(
  t: PartitionTask,
  lines: readonly string[],
  cuts: readonly number[],
): Map<string, string> {
  const cps: Checkpoint[] = [];
  let from = 0;
  for (const cut of cuts) {
    feedLines(t, lines, from, cut);
    from = cut;
    const cp = t.snapshot()!;
    t.confirm(cp);
    cps.push(cp);
  }
  return compactChangelog(cps);
}

/** The changelog as compaction leaves it: the newest value per record key. */
export function compactChangelog(cps: readonly Checkpoint[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const cp of cps) {
    for (const r of cp.records) m.set(r.key, r.value);
    m.set(cp.manifestRecord.key, cp.manifestRecord.value);
  }
  return m;
}
