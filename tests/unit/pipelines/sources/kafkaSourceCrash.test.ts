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
