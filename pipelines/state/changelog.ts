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
 * The last complete checkpoint of one input partition: the state includes every input message up
 * to `offset`, the counts are as of that offset, and `keys` says where each state record is.
 */
export interface Manifest {
  readonly v: 1;
  readonly partition: number;
  readonly epoch: number;
  /** Last input offset the state includes; -1 when none. */
  readonly offset: number;
  readonly counts: PartitionCounts;
  /** State key -> [epoch it was written in, slot 0 or 1]. */
  readonly keys: Readonly<Record<string, readonly [number, number]>>;
}

/** One key's state as written at a checkpoint. */
export interface StateRecord {
  readonly epoch: number;
  readonly state: unknown;
}

/**
 * Record keys of a partition's changelog. Each state key has two slots written alternately, so
 * the record a complete checkpoint points to is never overwritten by the next, possibly
 * unfinished, checkpoint; the manifest is written last and names the slot to read. Compaction
 * keeps the last value per record key: at most two records per state key plus the manifest.
 */
export const manifestKey = (partition: number): string => `${partition}|m`;
export const slotKey = (partition: number, slot: number, key: string): string =>
  `${partition}|${slot}|${key}`;

/** What a changelog partition holds: the newest manifest and the newest value of every slot. */
export interface PartitionSnapshot {
  readonly manifest: Manifest | undefined;
  /** The state of each key the manifest names, from the slot and epoch it names. */
  readonly states: Map<string, unknown>;
}

/**
 * Reads the changelog partitions of `partitions` to their end and returns, for each, the state of
 * its last complete checkpoint. A record whose epoch differs from what the manifest names (an
 * unfinished later checkpoint overwrote nothing the manifest needs, by the slot rule) is ignored.
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

/** The last complete checkpoint among a changelog partition's newest record values. */
export function snapshotOf(
  partition: number,
  records: ReadonlyMap<string, Buffer | string | null>,
  topic = 'changelog',
): PartitionSnapshot {
  const parse = (v: Buffer | string | null | undefined): unknown =>
    v === null || v === undefined ? undefined : JSON.parse(typeof v === 'string' ? v : v.toString('utf8'));
  const manifest = parse(records.get(manifestKey(partition))) as Manifest | undefined;
  const states = new Map<string, unknown>();
  if (manifest) {
    for (const [key, [epoch, slot]] of Object.entries(manifest.keys)) {
      const rec = parse(records.get(slotKey(partition, slot, key))) as StateRecord | undefined;
      if (!rec || rec.epoch !== epoch)
        throw new DataError(
          `${topic} partition ${partition}: the checkpoint of epoch ${manifest.epoch} names ${key} at epoch ${epoch} slot ${slot}, which is ${rec ? `at epoch ${rec.epoch}` : 'missing'}; was the changelog written by two instances at once?`,
        );
      states.set(key, rec.state);
    }
  }
  return { manifest, states };
}
