import type { Consumer } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { runKafkaSource } from '../../../../pipelines/sources/kafkaSource.ts';

/** A consumer whose run() returns at once; `crash` plays kafkajs's CRASH instrumentation event. */
function crashingConsumer() {
  const listeners = new Map<string, ((e: unknown) => void)[]>();
  const consumer = {
    events: { CRASH: 'consumer.crash' },
    on(name: string, fn: (e: unknown) => void) {
      listeners.set(name, [...(listeners.get(name) ?? []), fn]);
      return () => undefined;
    },
    run: async () => undefined,
  } as unknown as Consumer;
  const crash = (message: string, restart: boolean) => {
    for (const fn of listeners.get('consumer.crash') ?? [])
      fn({ payload: { error: new Error(message), groupId: 'g', restart } });
  };
  return { consumer, crash };
}

const handler = { onMessage: () => undefined, settle: async () => undefined };

describe('runKafkaSource: consumer crashes', () => {
  it('logs every crash, and reports the consumer lost only when kafkajs does not restart it', async () => {
    const { consumer, crash } = crashingConsumer();
    const lines: string[] = [];
    const lost: string[] = [];
    await runKafkaSource(consumer, handler, {
      maxInFlight: 10,
      log: (l) => lines.push(l),
      onLost: (e) => lost.push(e.message),
    });
    crash('Connection error: connect ECONNREFUSED', true);
    expect(lost).toEqual([]);
    crash('The broker received an out of order sequence number', false);
    expect(lost).toEqual(['The broker received an out of order sequence number']);
    expect(lines).toEqual([
      'consumer crashed: Connection error: connect ECONNREFUSED; kafkajs restarts it',
      'consumer crashed: The broker received an out of order sequence number; kafkajs does not restart it',
    ]);
  });
});

/** A consumer that runs the given batches through eachBatch, recording seeks and commits. */
function batchConsumer(batches: number[][]) {
  const seeks: string[] = [];
  const commits: string[] = [];
  const consumer = {
    events: { CRASH: 'consumer.crash' },
    on: () => () => undefined,
    seek: ({ partition, offset }: { partition: number; offset: string }) =>
      seeks.push(`${partition}@${offset}`),
    commitOffsets: async (o: { partition: number; offset: string }[]) =>
      void commits.push(...o.map((x) => `${x.partition}@${x.offset}`)),
    async run({ eachBatch }: { eachBatch: (p: unknown) => Promise<void> }) {
      for (const offsets of batches)
        await eachBatch({
          batch: {
            topic: 't',
            partition: 0,
            messages: offsets.map((o) => ({ offset: String(o), value: Buffer.from('{}'), timestamp: '0' })),
            offsetLag: () => '0',
          },
          resolveOffset: () => undefined,
          heartbeat: async () => undefined,
          isRunning: () => true,
          isStale: () => false,
        });
    },
  } as unknown as Consumer;
  return { consumer, seeks, commits };
}

describe('runKafkaSource: a failed batch', () => {
  it('is read again from where `failed` says, told the last commit (or the first offset read before any)', async () => {
    const told: number[] = [];
    const run = async (batches: number[][], failFrom: number) => {
      const c = batchConsumer(batches);
      let seen = 0;
      await runKafkaSource(
        c.consumer,
        {
          onMessage: () => void seen++,
          settle: async () => {
            if (seen >= failFrom) throw new Error('write refused');
          },
          failed: async (_p, _err, committed) => {
            told.push(committed);
            return committed;
          },
        },
        { maxInFlight: 100, commitIntervalMs: 0 },
      );
      return c;
    };
    const first = await run([[5, 6, 7]], 1);
    expect(first.commits).toEqual([]);
    expect(first.seeks).toEqual(['0@5']);
    const later = await run(
      [
        [5, 6, 7],
        [8, 9],
      ],
      4,
    );
    expect(later.commits).toEqual(['0@8']);
    expect(later.seeks).toEqual(['0@8']);
    expect(told).toEqual([5, 8]);
  });
});
