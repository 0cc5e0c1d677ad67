import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Admin, Kafka } from 'kafkajs';
import { defaultDetectorSlots } from '../../../detectors/index.ts';
import { marketFeatures } from '../../../features/index.ts';
import { distributedPolicy } from '../../../pipelines/distributed.ts';
import { formatFor } from '../../../pipelines/formats/index.ts';
import { manifestKey, type Manifest } from '../../../pipelines/state/changelog.ts';
import { PartitionTask } from '../../../pipelines/state/partitionTask.ts';
import type { Command } from '../../../schemas/command.ts';
import type { Config } from '../../../schemas/config.ts';
import { readPartitions } from '../../../sinks/kafka/readPartitions.ts';
import type { SimPump } from '../../../simulator/marketSimulator.ts';

const root = join(import.meta.dirname, '..', '..', '..');

/** Pumps strong enough to halt whatever the detectors' calibration of the day, one key after another. */
export function staggeredPumps(firstMs: number, everyMs: number, count: number): SimPump[] {
  const keys = ['SOLUSDT', 'BTCUSDT', 'ETHUSDT'].flatMap((symbol) =>
    ['venue-a', 'venue-b'].map((venue) => ({ venue, symbol })),
  );
  return Array.from({ length: count }, (_, i) => ({
    kind: 'pump' as const,
    ...keys[i % keys.length]!,
    startMs: firstMs + i * everyMs,
    durationMs: 15_000,
    rise: 0.1,
    intensity: 30,
  }));
}

/** The configuration as a file a child process can load (`flowguard run --config FILE`). */
export function configFile(config: Config): string {
  const dir = mkdtempSync(join(tmpdir(), 'flowguard-it-'));
  const file = join(dir, 'config.json');
  writeFileSync(
    file,
    JSON.stringify({ kafka: config.kafka, influxdb: config.influxdb, policy: config.policy }),
  );
  return file;
}

/** A `flowguard run` instance as a child process, its output kept. */
export interface Instance {
  readonly child: ChildProcess;
  readonly stderr: string[];
  readonly stdout: string[];
  readonly exited: Promise<number | null>;
}

export function startInstance(file: string, env: NodeJS.ProcessEnv = {}, extra: string[] = []): Instance {
  const child = spawn(
    process.execPath,
    [join(root, 'bin', 'flowguard.js'), 'run', '--config', file, ...extra],
    {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const stderr: string[] = [];
  const stdout: string[] = [];
  child.stderr!.on('data', (d: Buffer) => stderr.push(d.toString('utf8')));
  child.stdout!.on('data', (d: Buffer) => stdout.push(d.toString('utf8')));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, stderr, stdout, exited };
}

/** Every message of a topic, per partition in offset order. */
export async function readAll(
  kafka: Kafka,
  topic: string,
): Promise<Map<number, { offset: number; value: string }[]>> {
  const out = new Map<number, { offset: number; value: string }[]>();
  await readPartitions(kafka, topic, {
    groupPrefix: 'it-read',
    onMessage(p, m) {
      let list = out.get(p);
      if (!list) out.set(p, (list = []));
      list.push({ offset: Number(m.offset), value: m.value?.toString('utf8') ?? '' });
    },
  });
  return out;
}

/** The newest manifest of each partition in the changelog (highest epoch of its two slots). */
export async function manifests(kafka: Kafka, changelog: string): Promise<Map<number, Manifest>> {
  const out = new Map<number, Manifest>();
  await readPartitions(kafka, changelog, {
    groupPrefix: 'it-manifests',
    onMessage(p, m) {
      const key = m.key?.toString('utf8');
      if ((key === manifestKey(p, 0) || key === manifestKey(p, 1)) && m.value) {
        const next = JSON.parse(m.value.toString('utf8')) as Manifest;
        if (next.epoch >= (out.get(p)?.epoch ?? -1)) out.set(p, next);
      }
    },
  });
  return out;
}

/** Sum of the group's committed offsets on a topic, and the topic's end offsets. */
export async function progress(
  admin: Admin,
  groupId: string,
  topic: string,
): Promise<{ committed: number; end: number }> {
  const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
  const ends = await admin.fetchTopicOffsets(topic);
  const committed = (offsets?.partitions ?? []).reduce((s, p) => s + Math.max(0, Number(p.offset)), 0);
  return { committed, end: ends.reduce((s, e) => s + Number(e.high), 0) };
}

/**
 * What an uninterrupted run decides: each partition's messages, in offset order, through one
 * partition task in process. The commands a distributed run must have applied exactly once.
 */
export function expectedCommands(
  config: Config,
  byPartition: Map<number, { offset: number; value: string }[]>,
): Command[] {
  const out: Command[] = [];
  for (const [p, msgs] of byPartition) {
    const task = new PartitionTask(p, {
      format: formatFor(config.kafka.inputFormat, ''),
      features: marketFeatures,
      detectors: defaultDetectorSlots(),
      policy: distributedPolicy(config.policy),
      clock: () => Date.now(),
      deadLetters: () => undefined,
      now: () => 0,
      outputs: {
        commands: [
          {
            name: 'expected',
            write: (b) => void out.push(...b.map((d) => d.command)),
            flush: async () => undefined,
            close: async () => undefined,
          },
        ],
        alerts: [],
      },
    });
    for (const m of msgs)
      task.process(
        {
          seq: m.offset,
          bytes: m.value,
          origin: { topic: 'events', partition: p, offset: String(m.offset) },
          arrivalMs: 0,
        },
        m.offset,
        0,
      );
    task.close();
  }
  return out;
}
