import type { Producer } from 'kafkajs';
import type { Sink } from '../sinks/sink.ts';
import { GENESIS, seal, type AuditEntry } from './hashChain.ts';

export interface KafkaAuditChainOptions {
  readonly producer: Producer;
  /** The audit topic (`kafka.topics.audit`). */
  readonly topic: string;
  /**
   * Names the chain and is its Kafka key, so that every line of it lands in one partition, in
   * order. One per writer and run (e.g. `<groupId>/<instance>/<start time>`): two writers must
   * never extend one chain.
   */
  readonly chainId: string;
  /** Lines per produce request (default 500). */
  readonly maxBatch?: number;
  /** Wait before a failed send is retried, doubled up to 30 s (default 500 ms). */
  readonly retryMs?: number;
  readonly log?: (line: string) => void;
  /** Wall clock of the continuation entries, epoch ms. */
  readonly now?: () => number;
}

/** Where a chain stands: the last line Kafka acknowledged. */
export interface ChainHead {
  readonly chain: string;
  readonly seq: number;
  readonly hash: string;
}

export interface KafkaAuditChainStats {
  /** Entries Kafka holds (continuation entries included). */
  written: number;
  /** Sends that failed; each started a new segment. */
  failures: number;
  /** Segments of this writer: 1 plus one per failure. */
  segments: number;
}

interface Waiting {
  readonly entry: AuditEntry;
  readonly done?: () => void;
}

/**
 * The hash chain of audit/hashChain.ts written straight to the Kafka audit topic, keyed by the
 * chain's id, without a file: `write` resolves once Kafka (acks=all, idempotent producer) holds the
 * batch's lines, which is when the desk may act and the pipeline may commit its input.
 *
 * One produce request carries the lines of one chain to one partition, which Kafka appends whole
 * or not at all; but a request that fails may or may not have been appended (a timeout after the
 * broker wrote it). So the writer never guesses: after a failed send it closes the segment and
 * starts a new chain, `<chainId>#2`, whose first entry (kind `chain`, action `CONTINUES`) names the
 * previous segment and the last line Kafka acknowledged, and seals the unacknowledged entries again
 * into it. Every segment on the topic therefore verifies from its first line (`flowguard audit
 * verify-topic`); an entry whose send was ambiguous may appear at the end of one segment and again
 * in the next, with the same `id`. A crash loses only lines Kafka never acknowledged, and the
 * pipeline re-decides those (its input offsets are committed after the audit lines are held).
 */
export function kafkaAuditChain(
  o: KafkaAuditChainOptions,
): Sink<AuditEntry> & { readonly head: () => ChainHead | undefined; readonly stats: KafkaAuditChainStats } {
  const maxBatch = o.maxBatch ?? 500;
  const now = o.now ?? Date.now;
  const stats: KafkaAuditChainStats = { written: 0, failures: 0, segments: 1 };
  let chain = o.chainId;
  let seq = 0;
  let prev = GENESIS;
  let head: ChainHead | undefined;
  const queue: Waiting[] = [];
  let pumping: Promise<void> | null = null;
  let closed = false;

  const pump = async (): Promise<void> => {
    let delay = o.retryMs ?? 500;
    while (queue.length > 0) {
      const take = queue.slice(0, maxBatch);
      let s = seq;
      let p = prev;
      const lines = take.map((w) => {
        const line = seal(w.entry, ++s, p);
        p = line.hash;
        return line;
      });
      try {
        await o.producer.send({
          topic: o.topic,
          acks: -1,
          messages: lines.map((l) => ({ key: chain, value: l.text, headers: { seq: String(l.seq) } })),
        });
      } catch (err) {
        stats.failures++;
        // The last line Kafka acknowledged (of this segment or an earlier one).
        const from = head ?? { chain: o.chainId, seq: 0, hash: GENESIS };
        const failed = chain;
        stats.segments++;
        chain = `${o.chainId}#${stats.segments}`;
        seq = 0;
        prev = GENESIS;
        o.log?.(
          `audit: sending ${take.length} line(s) of ${failed} failed (${(err as Error).message}); continuing in ${chain}`,
        );
        // The continuation goes first, unless the queue already starts with one (repeated failures).
        if (queue[0]?.entry.kind === 'chain') queue.shift();
        queue.unshift({
          entry: {
            at: now(),
            kind: 'chain',
            id: chain,
            action: 'CONTINUES',
            rationale: `continues ${from.chain} after its line ${from.seq}: a send failed, so the lines after it may be missing there or be repeated here`,
            data: { previous: from.chain, previousSeq: from.seq, previousHash: from.hash },
          },
        });
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 30_000);
        continue;
      }
      delay = o.retryMs ?? 500;
      queue.splice(0, take.length);
      seq = s;
      prev = p;
      head = { chain, seq, hash: prev };
      stats.written += take.length;
      for (const w of take) w.done?.();
    }
    pumping = null;
  };

  const drained = async () => {
    while (pumping) await pumping;
  };

  return {
    name: `kafka-audit:${o.topic}`,
    head: () => head,
    stats,
    write(batch) {
      if (closed) throw new Error(`audit chain ${o.chainId} is closed`);
      if (batch.length === 0) return;
      const held = new Promise<void>((resolve) => {
        batch.forEach((entry, i) =>
          queue.push(i === batch.length - 1 ? { entry, done: resolve } : { entry }),
        );
      });
      pumping ??= pump();
      return held;
    },
    flush: drained,
    async close() {
      closed = true;
      await drained();
    },
  };
}
