import type { Kafka, Producer, ProducerBatch, ProducerRecord, RecordMetadata } from 'kafkajs';

/**
 * Broker answers after which an idempotent producer can never send again under its producer id.
 * kafkajs advances a partition's sequence number before a produce request and moves it back when
 * the request fails; when the broker did append the batch (the connection dropped after the write,
 * as when the broker is restarted), the producer's sequence falls behind the broker's, and every
 * later request to that partition is refused OUT_OF_ORDER_SEQUENCE_NUMBER. kafkajs never resets it
 * (measured: 36 refusals in a row on one partition after a broker restart in
 * tests/integration/pipelineKafka.test.ts, and an engine that answered nothing more). The Java
 * client treats these answers as fatal for the producer id and starts a new one; so does this.
 */
const FATAL = new Set([
  'OUT_OF_ORDER_SEQUENCE_NUMBER',
  'UNKNOWN_PRODUCER_ID',
  'INVALID_PRODUCER_EPOCH',
  'INVALID_PRODUCER_ID_MAPPING',
]);

/** True when `err`, or an error it wraps (`cause`, kafkajs aggregate `errors`), is one of FATAL. */
export function isFatalProducerError(err: unknown, depth = 0): boolean {
  if (typeof err !== 'object' || err === null || depth > 8) return false;
  const e = err as { type?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.type === 'string' && FATAL.has(e.type)) return true;
  if (Array.isArray(e.errors) && e.errors.some((x) => isFatalProducerError(x, depth + 1))) return true;
  return isFatalProducerError(e.cause, depth + 1);
}

export interface RenewingProducer extends Producer {
  /** Producers replaced after a fatal answer since the start. */
  readonly renewals: number;
}

/**
 * A kafkajs producer that replaces itself after a fatal idempotence error. The failing send still
 * rejects (its caller recovers as from any failed write: the pipeline restores the partition from
 * its checkpoint, the engine reads the commands again), and the sends after it go through a new
 * producer, with a new producer id whose sequences start at 0. What the old id had written stays
 * written; a batch sent again under the new id may be a duplicate, which every consumer of
 * flowguard's topics already tolerates (at least once; commands are deduplicated by commandId).
 * Event listeners (`on`) are attached to every producer it creates.
 */
export function renewingProducer(
  create: () => Producer,
  onRenew: (err: unknown) => void = () => undefined,
): RenewingProducer {
  let current = create();
  let renewals = 0;
  /** The current producer's connection; undefined until asked for, and after a failed attempt. */
  let connecting: Promise<void> | undefined;
  let closed = false;
  type Listener = { name: string; fn: (e: never) => void; off: () => void };
  const listeners: Listener[] = [];
  const attach = (name: string, fn: (e: never) => void): (() => void) =>
    (current.on as (n: string, f: (e: never) => void) => () => void)(name, fn);
  const connected = (): Promise<void> => {
    const attempt = (connecting ??= current.connect().catch((err: unknown) => {
      if (connecting === attempt) connecting = undefined;
      throw err;
    }));
    return attempt;
  };
  const renew = (err: unknown): void => {
    const old = current;
    current = create();
    for (const l of listeners) l.off = attach(l.name, l.fn);
    connecting = undefined;
    renewals++;
    onRenew(err);
    void old.disconnect().catch(() => undefined);
  };
  const guarded = async (run: (p: Producer) => Promise<RecordMetadata[]>): Promise<RecordMetadata[]> => {
    if (closed) throw new Error('the producer is disconnected');
    await connected();
    const used = current;
    try {
      return await run(used);
    } catch (err) {
      // Renewed once per producer, however many of its sends fail at the same moment.
      if (used === current && isFatalProducerError(err)) renew(err);
      throw err;
    }
  };
  return {
    get renewals() {
      return renewals;
    },
    connect: async () => {
      closed = false;
      await connected();
    },
    disconnect: async () => {
      closed = true;
      connecting = undefined;
      await current.disconnect();
    },
    isIdempotent: () => current.isIdempotent(),
    get events() {
      return current.events;
    },
    on: ((name: string, fn: (e: never) => void) => {
      const l: Listener = { name, fn, off: attach(name, fn) };
      listeners.push(l);
      return () => {
        listeners.splice(listeners.indexOf(l), 1);
        l.off();
      };
    }) as Producer['on'],
    send: (record: ProducerRecord) => guarded((p) => p.send(record)),
    sendBatch: (batch: ProducerBatch) => guarded((p) => p.sendBatch(batch)),
    transaction: () => current.transaction(),
    logger: () => current.logger(),
  };
}

/**
 * The producer flowguard's writers use: idempotent with one request in flight (ordered, no
 * duplicates under one producer id), topics left to `ensureTopics` unless `allowAutoTopicCreation`,
 * renewed after a fatal idempotence answer; `log`, when given, is told of each renewal as
 * "<name> producer: <error>; continuing with a new producer id".
 */
export function idempotentProducer(
  kafka: Kafka,
  name: string,
  log?: (line: string) => void,
  options: { readonly allowAutoTopicCreation?: boolean } = {},
): RenewingProducer {
  const settings = {
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: options.allowAutoTopicCreation ?? false,
  };
  return renewingProducer(
    () => kafka.producer(settings),
    log
      ? (err) => log(`${name} producer: ${(err as Error).message}; continuing with a new producer id`)
      : undefined,
  );
}
