import { afterAll, describe, expect, inject, it } from 'vitest';
import { unseal, type AuditEntry } from '../../audit/hashChain.ts';
import { verifyAuditTopic } from '../../audit/verifyAuditTopic.ts';
import { runEngineOnKafka } from '../../engine/kafkaAdapter.ts';
import { ReferenceEngine } from '../../engine/referenceEngine.ts';
import { startDistributed } from '../../pipelines/distributed.ts';
import { manualCommand } from '../../server/manualCommand.ts';
import { kafkaClient } from '../../sinks/kafka/kafkaClient.ts';
import { testConfig, waitFor } from '../support/kafkaRun.ts';
import { configFile, readAll, startInstance, type Instance } from './support/scaleOut.ts';

const services = inject('services');
const DEAD_MAN_MS = 4_000;
const order = { venue: 'venue-a', symbol: 'SOLUSDT', account: 'acct-1' };

describe('dead-man switch on Kafka - flowguard run heartbeats, flowguard engine safe mode', () => {
  const config = testConfig(services, {
    policy: { engine: { heartbeatIntervalMs: 250, deadManMs: DEAD_MAN_MS, safeMode: 'HALT' } },
  });
  Object.assign(config.kafka, { featureSampleMs: 0, sessionTimeoutMs: 6_000 });
  const k = config.kafka;
  const safeModeEvents: { entered: boolean; at: number }[] = [];
  const engine = new ReferenceEngine('dead-man-engine', Date.now, {
    deadMan: { timeoutMs: DEAD_MAN_MS, safeMode: 'HALT' },
    onSafeMode: (e) => safeModeEvents.push({ entered: e.entered, at: e.at }),
  });
  /** Heartbeat scopes the engine applied a heartbeat of, with the time of the latest. */
  const beats = new Map<string, number>();
  let adapter: Awaited<ReturnType<typeof runEngineOnKafka>> | undefined;
  const rts: Awaited<ReturnType<typeof startDistributed>>[] = [];
  let child: Instance | undefined;

  afterAll(async () => {
    if (child && child.child.exitCode === null && child.child.signalCode === null)
      child.child.kill('SIGKILL');
    for (const rt of rts) await rt.stop().catch(() => undefined);
    await adapter?.stop();
  });

  it('any instance’s heartbeats keep the engine normal; when the last one is killed it enters safe mode, heartbeats coming back do not leave it, a global RESUME does', async () => {
    // Two instances: one in this process, one `flowguard run` child that will be killed.
    const a = await startDistributed({ config, instanceId: 'a', heartbeats: true, log: () => undefined });
    rts.push(a);
    child = startInstance(
      configFile(config),
      { FLOWGUARD_KAFKA_BROKERS: k.brokers.join(','), FLOWGUARD_KAFKA_CLIENT_ID: 'victim' },
      ['--no-influx', '--instance-id', 'victim'],
    );
    adapter = await runEngineOnKafka(engine, k, {
      audit: true,
      onAck: (c, ack) => {
        if (c.action === 'HEARTBEAT' && ack.status === 'APPLIED') beats.set(c.scope.key, Date.now());
      },
    });
    const scopeA = `heartbeat:${k.groupId}/a`;
    const scopeVictim = `heartbeat:${k.groupId}/victim`;
    await waitFor(
      () => beats.has(scopeA) && beats.has(scopeVictim),
      60_000,
      'heartbeats of both instances applied',
    ).catch((err: unknown) => {
      throw new Error(`${(err as Error).message}; child said:\n${child!.stderr.join('')}`);
    });
    expect(child.stderr.join('')).toMatch(/consuming/);
    expect(engine.safeMode).toBeNull();

    // One instance stops: the other's heartbeats are enough (any fresh heartbeat).
    await a.stop();
    rts.splice(0);
    const stoppedAt = Date.now();
    await new Promise((r) => setTimeout(r, 2 * DEAD_MAN_MS));
    expect(beats.get(scopeA)!).toBeLessThan(stoppedAt + 1_000);
    expect(beats.get(scopeVictim)!).toBeGreaterThan(stoppedAt + DEAD_MAN_MS);
    expect(engine.safeMode).toBeNull();
    expect(engine.submitOrder(order).accepted).toBe(true);

    // The last one is killed: the engine enters safe mode on its own, about DEAD_MAN_MS later.
    child.child.kill('SIGKILL');
    const killedAt = Date.now();
    await waitFor(() => engine.safeMode !== null, DEAD_MAN_MS + 10_000, 'safe mode');
    const enteredAfter = safeModeEvents[0]!.at - killedAt;
    expect(safeModeEvents).toHaveLength(1);
    expect(safeModeEvents[0]!.entered).toBe(true);
    // The last heartbeat left before the kill; the switch is checked every 250 ms.
    expect(enteredAfter).toBeGreaterThan(DEAD_MAN_MS - 1_500);
    expect(enteredAfter).toBeLessThan(DEAD_MAN_MS + 5_000);
    expect(engine.safeMode!.action).toBe('HALT');
    expect(engine.submitOrder(order)).toEqual({ accepted: false, reason: 'halted: global' });

    // A new instance's heartbeats are applied, but safe mode stays.
    const b = await startDistributed({ config, instanceId: 'b', heartbeats: true, log: () => undefined });
    rts.push(b);
    const scopeB = `heartbeat:${k.groupId}/b`;
    await waitFor(() => beats.has(scopeB), 30_000, 'heartbeats of the new instance');
    await new Promise((r) => setTimeout(r, 1_000));
    expect(engine.safeMode).not.toBeNull();
    expect(engine.submitOrder(order).accepted).toBe(false);

    // Only an explicit global RESUME leaves it.
    const resume = manualCommand(
      {
        action: 'RESUME',
        scope: { level: 'global', key: 'global' },
        user: 'admin-ann',
        why: 'pipeline restarted and healthy',
        requestId: `resume-${Date.now()}`,
      },
      { now: Date.now(), ttlMs: 60_000 },
    );
    const producer = kafkaClient(k, '-test').producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({
      topic: k.topics.commands,
      acks: -1,
      messages: [{ key: resume.scope.key, value: JSON.stringify(resume) }],
    });
    await producer.disconnect();
    await waitFor(() => engine.safeMode === null, 30_000, 'safe mode left on the RESUME');
    expect(safeModeEvents.map((e) => e.entered)).toEqual([true, false]);
    expect(engine.submitOrder(order).accepted).toBe(true);
    // B's heartbeats keep it normal from here.
    await new Promise((r) => setTimeout(r, DEAD_MAN_MS + 1_000));
    expect(engine.safeMode).toBeNull();

    // The engine's own chain on the audit topic holds both changes, and verifies.
    await adapter.stop();
    adapter = undefined;
    const chains = await verifyAuditTopic(kafkaClient(k, '-test'), k.topics.audit);
    const mine = chains.filter((c) => c.chain.startsWith('engine/dead-man-engine/'));
    expect(mine.map((c) => ({ ok: c.ok, lines: c.lines }))).toEqual([{ ok: true, lines: 2 }]);
    const lines = [...(await readAll(kafkaClient(k, '-test'), k.topics.audit)).values()]
      .flat()
      .map((m) => (unseal(m.value) as { entry: AuditEntry }).entry)
      .filter((e) => e.kind === 'engine');
    expect(lines.map((e) => e.action)).toEqual(['SAFE_MODE_HALT', 'SAFE_MODE_LEFT']);
    expect(lines[0]!.rationale).toMatch(/entered safe mode \(HALT on all trading\): no heartbeat for \d+ ms/);
  }, 180_000);
});
