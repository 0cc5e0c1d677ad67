import { afterAll, describe, expect, inject, it } from 'vitest';
import { unseal, type AuditEntry } from '../../audit/hashChain.ts';
import { verifyAuditTopic } from '../../audit/verifyAuditTopic.ts';
import { main } from '../../cli/main.ts';
import { startDistributed } from '../../pipelines/distributed.ts';
import type { Command } from '../../schemas/command.ts';
import { kafkaClient } from '../../sinks/kafka/kafkaClient.ts';
import { stateTopics } from '../../sinks/kafka/topics.ts';
import { simulateMarket } from '../../simulator/marketSimulator.ts';
import { createTopics, produceEvents, testConfig, waitFor } from '../support/kafkaRun.ts';
import { configFile, manifests, readAll, startInstance, type Instance } from './support/scaleOut.ts';

const services = inject('services');
const pump = {
  kind: 'pump',
  venue: 'venue-a',
  symbol: 'SOLUSDT',
  startMs: 60_000,
  durationMs: 20_000,
  rise: 0.03,
  intensity: 12,
} as const;

/** Captures what a CLI command prints on stdout, and its exit code. */
async function cli(args: string[]): Promise<{ code: number; out: string }> {
  const out: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => void out.push(a.join(' '));
  try {
    return { code: await main(args), out: out.join('\n') };
  } finally {
    console.log = log;
  }
}

describe('audit trail on the Kafka audit topic', () => {
  const config = testConfig(services);
  Object.assign(config.kafka, { featureSampleMs: 0, checkpointIntervalMs: 500, sessionTimeoutMs: 6_000 });
  const k = config.kafka;
  const kafka = kafkaClient(k, '-test');
  let child: Instance | undefined;
  let survivor: Awaited<ReturnType<typeof startDistributed>> | undefined;

  afterAll(async () => {
    if (child && child.child.exitCode === null && child.child.signalCode === null)
      child.child.kill('SIGKILL');
    await survivor?.stop().catch(() => undefined);
  });

  it('an instance killed mid-run and its successor leave verifiable chains that hold every command with its rationale; a forged line is found', async () => {
    await createTopics(kafka, k);
    const events = [
      ...simulateMarket({ seed: 2, startTime: Date.now() - 10 * 60_000, manipulations: [pump] }, 130_000),
    ];
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await produceEvents(producer, k.topics.events, events);

    // A `flowguard run` child audits by default; killed once it has sealed some decisions.
    const file = configFile(config);
    child = startInstance(
      file,
      { FLOWGUARD_KAFKA_BROKERS: k.brokers.join(','), FLOWGUARD_KAFKA_CLIENT_ID: 'victim' },
      ['--no-influx', '--instance-id', 'victim'],
    );
    let victimLines = 0;
    await waitFor(
      async () => {
        const all = [...(await readAll(kafka, k.topics.audit)).values()].flat();
        victimLines = all.filter((m) => m.value.includes('"kind":"command"')).length;
        return victimLines >= 3;
      },
      120_000,
      'the first instance to seal commands',
    ).catch((err: unknown) => {
      throw new Error(`${(err as Error).message}; child said:\n${child!.stderr.join('')}`);
    });
    child.child.kill('SIGKILL');
    await child.exited;

    // The successor restores the partitions from their checkpoints, re-decides the rest, and stops cleanly.
    survivor = await startDistributed({ config, instanceId: 'survivor', audit: true, log: () => undefined });
    await waitFor(
      async () => {
        const ms = await manifests(kafka, stateTopics(k).changelog);
        return [...ms.values()].reduce((s, m) => s + m.counts.messages, 0) === events.length;
      },
      150_000,
      'every event checkpointed',
    );
    await survivor.stop();
    const { chain: survivorChain, hash: survivorHead } = survivor.audit!.head()!;
    survivor = undefined;

    const chains = await verifyAuditTopic(kafka, k.topics.audit);
    expect(chains.map((c) => ({ chain: c.chain, ok: c.ok, error: c.error }))).toEqual(
      chains.map((c) => ({ chain: c.chain, ok: true, error: undefined })),
    );
    const victim = chains.filter((c) => c.chain.startsWith(`${k.groupId}/victim/`));
    expect(victim).toHaveLength(1);
    expect(chains.map((c) => c.chain)).toContain(survivorChain);
    expect(victim[0]!.lines).toBeGreaterThanOrEqual(1 + victimLines);

    // Every command on the commands topic (heartbeats aside) is in a chain, with its rationale.
    const entries: AuditEntry[] = [...(await readAll(kafka, k.topics.audit)).values()]
      .flat()
      .map((m) => (unseal(m.value) as { entry: AuditEntry }).entry);
    const commands = [...(await readAll(kafka, k.topics.commands)).values()]
      .flat()
      .map((m) => JSON.parse(m.value) as Command)
      .filter((c) => c.action !== 'HEARTBEAT');
    expect(commands.map((c) => c.action)).toContain('HALT');
    // The command is sent before its audit line (a halt never waits for the trail), so a command
    // Kafka took just before the kill may have lost its line; but its partition was not
    // checkpointed past it (the checkpoint waits for both), so the successor re-decided it: the
    // same commandId, action, scope and sequence, with its own issuedAt. Every id is in a chain.
    const audited = new Map<string, AuditEntry[]>();
    for (const e of entries) if (e.kind === 'command') audited.set(e.id, [...(audited.get(e.id) ?? []), e]);
    let asSent = 0;
    for (const c of commands) {
      const es = audited.get(c.commandId) ?? [];
      expect(es.length, `command ${c.commandId} ${c.action} ${c.scope.key} audited`).toBeGreaterThan(0);
      for (const e of es) {
        const d = e.data as Command;
        expect([d.action, d.scope.key, d.sequence]).toEqual([c.action, c.scope.key, c.sequence]);
        expect(e.rationale).toContain(`${c.action} #${c.sequence} ${c.scope.key}`);
      }
      if (es.some((e) => JSON.stringify(e.data) === JSON.stringify(c))) asSent++;
    }
    // Nothing in the chains that was not sent.
    const sentIds = new Set(commands.map((c) => c.commandId));
    expect([...audited.keys()].filter((id) => !sentIds.has(id))).toEqual([]);
    expect(asSent).toBeGreaterThan(commands.length / 2);
    const halt = commands.find((c) => c.action === 'HALT')!;
    expect(audited.get(halt.commandId)![0]!.rationale).toMatch(/evidence .* vs 0\.99, triggers /);
    expect(entries.filter((e) => e.kind === 'instance' && e.action === 'START')).toHaveLength(2);
    expect(entries.some((e) => e.kind === 'alert')).toBe(true);

    // The CLI agrees, and finds a forged line appended to the survivor's chain.
    const cfg = configFile(config);
    const ok = await cli(['audit', 'verify-topic', '--config', cfg, '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out)).toMatchObject({ ok: true });
    const lines = [...(await readAll(kafka, k.topics.audit)).values()].flat();
    const last = lines.find((m) => m.value.endsWith(`"hash":"${survivorHead}"}`))!;
    const forged = last.value.replace(/"rationale":"[^"]*"/, '"rationale":"nothing happened"');
    await producer.send({
      topic: k.topics.audit,
      acks: -1,
      messages: [{ key: survivorChain, value: forged }],
    });
    await producer.disconnect();
    const broken = await cli(['audit', 'verify-topic', '--config', cfg, '--json']);
    expect(broken.code).toBe(1);
    const verdict = JSON.parse(broken.out) as {
      ok: boolean;
      chains: { chain: string; ok: boolean; error?: { reason: string } }[];
    };
    expect(verdict.ok).toBe(false);
    expect(verdict.chains.filter((c) => !c.ok).map((c) => c.chain)).toEqual([survivorChain]);
    expect(verdict.chains.find((c) => !c.ok)!.error!.reason).toMatch(/hash mismatch/);
  }, 400_000);
});
