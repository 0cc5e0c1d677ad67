import type { Producer, ProducerRecord } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { kafkaAuditChain } from '../../../audit/kafkaAuditChain.ts';
import { unseal, type AuditEntry } from '../../../audit/hashChain.ts';
import { verifyAuditLines } from '../../../audit/verifyAudit.ts';

const entry = (i: number): AuditEntry => ({
  at: i,
  kind: 'command',
  id: `cmd-${i}`,
  rationale: `decision ${i}`,
});

/** A producer that appends to an in-memory topic, failing the sends it is told to (optionally after appending). */
function fakeProducer(fail: (n: number) => 'ok' | 'lost' | 'ambiguous') {
  const topic: { key: string; value: string }[] = [];
  let n = 0;
  const producer = {
    async send(r: ProducerRecord) {
      const outcome = fail(++n);
      if (outcome === 'lost') throw new Error('broker unreachable');
      for (const m of r.messages) topic.push({ key: String(m.key), value: String(m.value) });
      if (outcome === 'ambiguous') throw new Error('request timed out');
      return [];
    },
  } as unknown as Producer;
  const chains = () => {
    const by = new Map<string, string[]>();
    for (const m of topic) by.set(m.key, [...(by.get(m.key) ?? []), m.value]);
    return by;
  };
  return { producer, topic, chains };
}

describe('audit chain on the Kafka topic', () => {
  it('write resolves once the lines are sent; the lines form one verifiable chain keyed by the chain id', async () => {
    const k = fakeProducer(() => 'ok');
    const chain = kafkaAuditChain({ producer: k.producer, topic: 'audit', chainId: 'g/a/t0' });
    await chain.write([entry(1), entry(2)]);
    expect(k.topic).toHaveLength(2);
    await chain.write([entry(3)]);
    const lines = k.chains().get('g/a/t0')!;
    expect(await verifyAuditLines(lines)).toMatchObject({ ok: true, lines: 3 });
    expect(chain.head()).toMatchObject({ chain: 'g/a/t0', seq: 3 });
    expect(chain.stats).toEqual({ written: 3, failures: 0, segments: 1 });
  });

  it('after a failed send (lost or ambiguous) every segment still verifies and the next names the last acknowledged line', async () => {
    // Send 2 is appended but reported failed (a timeout); send 3 is lost.
    const k = fakeProducer((n) => (n === 2 ? 'ambiguous' : n === 3 ? 'lost' : 'ok'));
    const chain = kafkaAuditChain({ producer: k.producer, topic: 'audit', chainId: 'g/a/t0', retryMs: 1 });
    await chain.write([entry(1)]);
    await chain.write([entry(2), entry(3)]);
    await chain.write([entry(4)]);
    const chains = k.chains();
    expect([...chains.keys()]).toEqual(['g/a/t0', 'g/a/t0#3']);
    for (const lines of chains.values()) expect((await verifyAuditLines(lines)).ok).toBe(true);
    const first = chains.get('g/a/t0')!.map((l) => (unseal(l) as { entry: AuditEntry }).entry.id);
    const last = chains.get('g/a/t0#3')!.map((l) => (unseal(l) as { entry: AuditEntry }).entry);
    // The ambiguous send landed in the first segment, and is repeated in the new one.
    expect(first).toEqual(['cmd-1', 'cmd-2', 'cmd-3']);
    expect(last.map((e) => e.id)).toEqual(['g/a/t0#3', 'cmd-2', 'cmd-3', 'cmd-4']);
    expect(last[0]).toMatchObject({
      kind: 'chain',
      action: 'CONTINUES',
      data: { previous: 'g/a/t0', previousSeq: 1 },
    });
    expect(chain.stats).toMatchObject({ failures: 2, segments: 3 });
  });

  it('a closed chain refuses entries', async () => {
    const chain = kafkaAuditChain({ producer: fakeProducer(() => 'ok').producer, topic: 'a', chainId: 'c' });
    await chain.close();
    expect(() => chain.write([entry(1)])).toThrow(/closed/);
  });
});
