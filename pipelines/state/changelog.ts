import type { Kafka } from 'kafkajs';
import { DataError } from '../../core/errors.ts';
import { readPartitions } from '../../sinks/kafka/readPartitions.ts';

/** Cumulative counts of one input partition, checkpointed with its state: exact across crashes. */
export interface PartitionCounts {
  messages: number;
  events: number;
  skipped: number;
  deadLetters: number;
  alerts: number;
  commands: number;
  /** Control messages (overrides) among `messages`. */
  controls: number;
}

export const zeroCounts = (): PartitionCounts => ({
  messages: 0,
  events: 0,
  skipped: 0,
  deadLetters: 0,
  alerts: 0,
  commands: 0,
  controls: 0,
});

/**
 * Where a state key's record is: the epoch of the checkpoint that wrote it, its slot (0 or 1) and
 * the writer (`PartitionTask.writer`, random per task) that wrote it. Changelogs written before
 * writers were recorded have no third element: the record is then checked by epoch alone.
 */
export type KeyPlace = readonly [epoch: number, slot: number, writer?: string];

/**
 * A complete checkpoint of one input partition: the state includes every input message up to
 * `offset`, the counts are as of that offset, and `keys` says where each state record is.
 */
export interface Manifest {
  /** 2: writer ids in the records and in `keys`, manifests in two slots; 1: neither. */
  readonly v: 1 | 2;
  readonly partition: number;
  readonly epoch: number;
  /** The task that wrote this checkpoint (absent in v1). */
  readonly writer?: string;
  /** Last input offset the state includes; -1 when none. */
  readonly offset: number;
  readonly counts: PartitionCounts;
  /** State key -> where its record is. */
  readonly keys: Readonly<Record<string, KeyPlace>>;
}

/** One key's state as written at a checkpoint. */
export interface StateRecord {
  readonly epoch: number;
  /** The task that wrote it (absent in records written before writers were recorded). */
  readonly writer?: string;
  readonly state: unknown;
}

/**
 * Record keys of a partition's changelog. Each state key has two slots written alternately, so
 * the record a complete checkpoint points to is never overwritten by the next, possibly
 * unfinished, checkpoint; the manifest is written last and names the slot to read. The manifest
 * has two slots too, by the parity of its epoch (`manifestSlot`): the checkpoint before the newest
 * stays readable, with its records, and is restored from when the newest is found inconsistent.
 * Slot 0 is the key every manifest had before (`p|m`). Compaction keeps the last value per record
 * key: at most two records per state key plus two manifests.
 */
export const manifestKey = (partition: number, slot = 0): string =>
  slot === 0 ? `${partition}|m` : `${partition}|m|${slot}`;
export const manifestSlot = (epoch: number): number => epoch % 2;
export const slotKey = (partition: number, slot: number, key: string): string =>
  `${partition}|${slot}|${key}`;

/** What a changelog partition holds: its last consistent checkpoint. */
export interface PartitionSnapshot {
  readonly manifest: Manifest | undefined;
  /** The state of each key the manifest names, from the slot and epoch it names. */
  readonly states: Map<string, unknown>;
  /**
   * Why newer manifests of the partition were not restored from (one line each, newest first):
   * empty unless the newest checkpoint was found inconsistent and an older one was used.
   */
  readonly passedOver: readonly string[];
}

/**
 * Reads the changelog partitions of `partitions` to their end and returns, for each, the state of
 * its last consistent checkpoint (`snapshotOf`).
 */
export async function restorePartitions(
  kafka: Kafka,
  topic: string,
  partitions: readonly number[],
  groupPrefix: string,
): Promise<Map<number, PartitionSnapshot>> {
  const latest = new Map<number, Map<string, Buffer | null>>();
  for (const p of partitions) latest.set(p, new Map());
  await readPartitions(kafka, topic, {
    partitions,
    groupPrefix,
    onMessage(partition, m) {
      if (m.key) latest.get(partition)?.set(m.key.toString('utf8'), m.value);
    },
  });
  const out = new Map<number, PartitionSnapshot>();
  for (const [p, records] of latest) out.set(p, snapshotOf(p, records, topic));
  return out;
}

/**
 * The last consistent checkpoint among a changelog partition's newest record values: the manifest
 * of highest epoch every record of which is the one it names (same epoch, same writer when the
 * manifest names one). By the slot rule an unfinished later checkpoint of the same task overwrites
 * nothing the newest manifest needs; what does is another task writing the partition's changelog
 * at the same time (a checkpoint request of the partition's previous owner that lands after the
 * next owner read the changelog, docs/operations.md): that manifest is passed over, with the
 * reason, for the one before it, whose records neither writer's next checkpoint touches. A
 * DataError when no manifest is consistent.
 */
export function snapshotOf(
  partition: number,
  records: ReadonlyMap<string, Buffer | string | null>,
  topic = 'changelog',
): PartitionSnapshot {
  const parse = (v: Buffer | string | null | undefined): unknown =>
    v === null || v === undefined ? undefined : JSON.parse(typeof v === 'string' ? v : v.toString('utf8'));
  const manifests = [0, 1]
    .map((slot) => parse(records.get(manifestKey(partition, slot))) as Manifest | undefined)
    .filter((m): m is Manifest => m !== undefined)
    .sort((a, b) => b.epoch - a.epoch);
  const passedOver: string[] = [];
  for (const manifest of manifests) {
    const states = new Map<string, unknown>();
    const by = (w: string | undefined) => (w === undefined ? '' : ` by writer ${w}`);
    let wrong: string | undefined;
    for (const [key, [epoch, slot, writer]] of Object.entries(manifest.keys)) {
      const rec = parse(records.get(slotKey(partition, slot, key))) as StateRecord | undefined;
      if (rec && rec.epoch === epoch && (writer === undefined || rec.writer === writer)) {
        states.set(key, rec.state);
        continue;
      }
      wrong = `${topic} partition ${partition}: the checkpoint of epoch ${manifest.epoch}${by(manifest.writer)} names ${key} at epoch ${epoch} slot ${slot}${by(writer)}, which is ${rec ? `at epoch ${rec.epoch}${by(rec.writer)}` : 'missing'}; ${
        rec && rec.epoch === epoch
          ? 'it was overwritten by another writer of the same epoch (a previous owner of the partition still writing its checkpoint when the next owner restored)'
          : 'was the changelog written by two instances at once?'
      }`;
      break;
    }
    if (wrong === undefined) return { manifest, states, passedOver };
    passedOver.push(wrong);
  }
  if (passedOver.length > 0)
    throw new DataError(
      passedOver.length === 1
        ? passedOver[0]!
        : `${passedOver.join('; and ')}; no consistent checkpoint is left`,
    );
  return { manifest: undefined, states: new Map(), passedOver };
}
