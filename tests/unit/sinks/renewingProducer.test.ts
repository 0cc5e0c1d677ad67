import {
  KafkaJSConnectionError,
  KafkaJSNonRetriableError,
  KafkaJSProtocolError,
  type Producer,
} from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { isFatalProducerError, renewingProducer } from '../../../sinks/kafka/renewingProducer.ts';

/** The broker's answer to a batch whose sequence number the producer id did not expect. */
const outOfOrder = () =>
  new KafkaJSProtocolError({
    message: 'The broker received an out of order sequence number',
    type: 'OUT_OF_ORDER_SEQUENCE_NUMBER',
    code: 45,
    retriable: false,
  } as unknown as Error);

/** A stand-in for one kafkajs producer: counts what is asked of it, fails sends while told to. */
function fakeProducer(id: number, log: string[]) {
  let failWith: (() => Error) | undefined;
  const listeners: string[] = [];
  const producer = {
    connect: async () => void log.push(`connect ${id}`),
    disconnect: async () => void log.push(`disconnect ${id}`),
    isIdempotent: () => true,
    events: {},
    on: (name: string) => {
      listeners.push(name);
      return () => listeners.splice(listeners.indexOf(name), 1);
    },
    send: async () => {
      log.push(`send ${id}`);
      if (failWith) throw failWith();
      return [];
    },
    sendBatch: async () => [],
    transaction: async () => undefined,
    logger: () => undefined,
  } as unknown as Producer;
  return {
    producer,
    listeners,
    fail(e: (() => Error) | undefined) {
      failWith = e;
    },
  };
}

const record = { topic: 't', messages: [{ value: 'v' }] };

describe('renewingProducer', () => {
  it('recognises the fatal idempotence answers however kafkajs wraps them, and nothing else', () => {
    expect(isFatalProducerError(outOfOrder())).toBe(true);
    expect(
      isFatalProducerError(
        Object.assign(new KafkaJSNonRetriableError(outOfOrder()), { cause: outOfOrder() }),
      ),
    ).toBe(true);
    expect(
      isFatalProducerError({ name: 'KafkaJSAggregateError', errors: [new Error('x'), outOfOrder()] }),
    ).toBe(true);
    expect(isFatalProducerError(new KafkaJSConnectionError('Connection error: connect ECONNREFUSED'))).toBe(
      false,
    );
    expect(isFatalProducerError(new Error('OUT_OF_ORDER_SEQUENCE_NUMBER'))).toBe(false);
    expect(isFatalProducerError(undefined)).toBe(false);
  });

  it('after a fatal answer the failing send rejects and later sends go through a new producer id', async () => {
    const log: string[] = [];
    const made: ReturnType<typeof fakeProducer>[] = [];
    const renewedWith: unknown[] = [];
    const p = renewingProducer(
      () => {
        const f = fakeProducer(made.length, log);
        made.push(f);
        return f.producer;
      },
      (err) => renewedWith.push(err),
    );
    p.on(p.events.REQUEST, () => undefined);
    await p.connect();
    await p.send(record);
    made[0]!.fail(outOfOrder);
    // Two sends fail together: one renewal, not two.
    const failures = await Promise.allSettled([p.send(record), p.send(record)]);
    expect(failures.map((f) => f.status)).toEqual(['rejected', 'rejected']);
    expect(p.renewals).toBe(1);
    expect(made).toHaveLength(2);
    expect(renewedWith).toHaveLength(1);
    expect(isFatalProducerError(renewedWith[0])).toBe(true);
    // The old producer keeps failing, but is no longer used.
    await p.send(record);
    expect(log).toEqual(['connect 0', 'send 0', 'send 0', 'send 0', 'disconnect 0', 'connect 1', 'send 1']);
    // Listeners follow the producer.
    expect(made[1]!.listeners).toEqual([p.events.REQUEST]);
  });

  it('a failure that is not fatal (a broker away) keeps the producer', async () => {
    const log: string[] = [];
    const made: ReturnType<typeof fakeProducer>[] = [];
    const p = renewingProducer(() => {
      const f = fakeProducer(made.length, log);
      made.push(f);
      return f.producer;
    });
    await p.connect();
    made[0]!.fail(() => new KafkaJSConnectionError('Connection error: connect ECONNREFUSED'));
    await expect(p.send(record)).rejects.toThrow(/ECONNREFUSED/);
    made[0]!.fail(undefined);
    await p.send(record);
    expect(p.renewals).toBe(0);
    expect(log).toEqual(['connect 0', 'send 0', 'send 0']);
  });

  it('a replacement that cannot connect yet is connected again at the next send', async () => {
    const log: string[] = [];
    let refuse = 1;
    let n = 0;
    const p = renewingProducer(() => {
      const id = n++;
      const f = fakeProducer(id, log);
      if (id === 0) f.fail(outOfOrder);
      const connect = f.producer.connect;
      f.producer.connect = async () => {
        if (id === 1 && refuse-- > 0) throw new KafkaJSConnectionError('broker restarting');
        await connect();
      };
      return f.producer;
    });
    await p.connect();
    await expect(p.send(record)).rejects.toThrow(/out of order/);
    await expect(p.send(record)).rejects.toThrow(/broker restarting/);
    await p.send(record);
    expect(log.slice(-2)).toEqual(['connect 1', 'send 1']);
    await p.disconnect();
    await expect(p.send(record)).rejects.toThrow(/disconnected/);
  });
});
