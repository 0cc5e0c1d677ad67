import type { Kafka } from 'kafkajs';
import { readPartitions } from '../sinks/kafka/readPartitions.ts';
import { verifyAuditLines, type AuditVerdict } from './verifyAudit.ts';

/** The verdict on one chain of the audit topic. */
export interface TopicChainVerdict extends AuditVerdict {
  /** The chain's id: the Kafka key of its lines. */
  readonly chain: string;
  readonly partition: number;
}

/**
 * Checks every chain on the audit topic: lines are grouped by key (one chain per key, written by
 * audit/kafkaAuditChain.ts) in offset order, and each chain must verify from its first line as a
 * file does (audit/verifyAudit.ts). Reads the topic up to its end when the check starts.
 */
export async function verifyAuditTopic(
  kafka: Kafka,
  topic: string,
  o: { readonly timeoutMs?: number } = {},
): Promise<TopicChainVerdict[]> {
  const chains = new Map<string, { partition: number; lines: string[] }>();
  await readPartitions(kafka, topic, {
    groupPrefix: 'flowguard-audit-verify',
    ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
    onMessage(partition, m) {
      const key = m.key?.toString('utf8') ?? '';
      let c = chains.get(key);
      if (!c) chains.set(key, (c = { partition, lines: [] }));
      c.lines.push(m.value?.toString('utf8') ?? '');
    },
  });
  const out: TopicChainVerdict[] = [];
  for (const [chain, c] of chains)
    out.push({ chain, partition: c.partition, ...(await verifyAuditLines(c.lines)) });
  return out.sort((a, b) => a.chain.localeCompare(b.chain));
}
