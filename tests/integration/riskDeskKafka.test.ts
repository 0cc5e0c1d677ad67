import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { unseal, type AuditEntry } from '../../audit/hashChain.ts';
import { verifyAuditTopic } from '../../audit/verifyAuditTopic.ts';
import { runEngineOnKafka } from '../../engine/kafkaAdapter.ts';
import { ReferenceEngine } from '../../engine/referenceEngine.ts';
import type { Ack } from '../../schemas/ack.ts';
import type { Command } from '../../schemas/command.ts';
import { kafkaClient } from '../../sinks/kafka/kafkaClient.ts';
import { simulateMarket } from '../../simulator/marketSimulator.ts';
import { createTopics, produceEvents, testConfig, waitFor } from '../support/kafkaRun.ts';
import { sseConnect } from '../unit/server/sseClient.ts';
import { configFile, readAll, startInstance, type Instance } from './support/scaleOut.ts';

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
const DEAD_MAN_MS = 3_000;
const token = () => randomBytes(18).toString('hex');
const TOKENS = { viewer: token(), operator: token(), admin: token() };

describe('risk desk served by flowguard run', () => {
  const config = testConfig(services, {
    policy: { engine: { heartbeatIntervalMs: 250, deadManMs: DEAD_MAN_MS, safeMode: 'HALT' } },
  });
  Object.assign(config.kafka, { featureSampleMs: 0 });
  const k = config.kafka;
  const kafka = kafkaClient(k, '-test');
  const answered: { command: Command; ack: Ack }[] = [];
  const safeMode: boolean[] = [];
  const engine = new ReferenceEngine('desk-engine', Date.now, {
    deadMan: { timeoutMs: DEAD_MAN_MS, safeMode: 'HALT' },
    onSafeMode: (e) => safeMode.push(e.entered),
  });
  let adapter: Awaited<ReturnType<typeof runEngineOnKafka>> | undefined;
  let child: Instance | undefined;
  let stream: ReturnType<typeof sseConnect> | undefined;

  afterAll(async () => {
    stream?.close();
    if (child && child.child.exitCode === null && child.child.signalCode === null)
      child.child.kill('SIGKILL');
    await adapter?.stop();
  });

  it('shows alerts and a halt live over SSE and in /api/halts; an operator’s resume goes through the policy to the engine; an admin’s global RESUME ends safe mode; every request is in the audit chain', async () => {
    await createTopics(kafka, k);
    // History in a range of its own in the past (InfluxDB is shared by the tests).
    const start = Date.UTC(2020, 0, 1) + Math.floor(Math.random() * 300) * 86_400_000;
    // Up to 85 s: the pump (60-80 s) is halted, and the halt stays whatever the detector, since the
    // policy's own RESUME needs 30 s of minimum halt (past 90 s); the operator lifts it instead.
    const events = [...simulateMarket({ seed: 2, startTime: start, manipulations: [pump] }, 85_000)];

    // The engine starts alone: no heartbeats, so it enters safe mode.
    adapter = await runEngineOnKafka(engine, k, { onAck: (command, ack) => answered.push({ command, ack }) });
    await waitFor(() => engine.safeMode !== null, 30_000, 'safe mode before the pipeline starts');

    const dir = dirname(configFile(config));
    const tokensFile = join(dir, 'tokens.json');
    writeFileSync(
      tokensFile,
      JSON.stringify({
        tokens: [
          { user: 'vic', role: 'viewer', token: TOKENS.viewer },
          { user: 'olga', role: 'operator', token: TOKENS.operator },
          { user: 'ada', role: 'admin', token: TOKENS.admin },
        ],
        anonymous: 'none',
      }),
    );
    child = startInstance(
      configFile(config),
      {
        FLOWGUARD_KAFKA_BROKERS: k.brokers.join(','),
        FLOWGUARD_KAFKA_CLIENT_ID: 'desk-instance',
        FLOWGUARD_INFLUX_TOKEN: services.influxdb.token,
      },
      ['--instance-id', 'desk', '--port', '0', '--tokens', tokensFile],
    );
    let url = '';
    await waitFor(
      () => {
        url = /risk desk on (http:\/\/\S+\/)/.exec(child!.stderr.join(''))?.[1] ?? '';
        return url !== '';
      },
      60_000,
      'the desk to listen',
    ).catch((err: unknown) => {
      throw new Error(`${(err as Error).message}; child said:\n${child!.stderr.join('')}`);
    });
    const api = async (path: string, who: keyof typeof TOKENS, body?: unknown) => {
      const res = await fetch(new URL(path, url), {
        method: body === undefined ? 'GET' : 'POST',
        headers: {
          authorization: `Bearer ${TOKENS[who]}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.status, json: (await res.json()) as Record<string, unknown> };
    };
    expect((await fetch(new URL('healthz', url))).status).toBe(200);
    await waitFor(async () => (await fetch(new URL('readyz', url))).status === 200, 30_000, 'readiness');
    expect((await api('api/whoami', 'viewer')).json).toMatchObject({ mode: 'distributed' });
    const metrics = await fetch(new URL('metrics', url), {
      headers: { authorization: `Bearer ${TOKENS.viewer}` },
    });
    expect(metrics.status).toBe(200);
    // The instance's heartbeats are counted: an alert on their rate sees an instance go quiet.
    expect(await metrics.text()).toMatch(
      /flowguard_commands_total\{action="HEARTBEAT",origin="policy"\} [1-9]/,
    );

    // Safe mode since before the pipeline: an operator may not lift it, an admin may.
    const why = 'pipeline up and watching again';
    expect((await api('api/halts/resume', 'operator', { scope: { level: 'global' }, why })).status).toBe(403);
    const resumeAll = await api('api/halts/resume', 'admin', {
      scope: { level: 'global' },
      why,
      requestId: `global-${Date.now()}`,
    });
    expect(resumeAll.status).toBe(202);
    await waitFor(
      () => engine.safeMode === null,
      30_000,
      'the engine to leave safe mode on the admin’s RESUME',
    );
    expect(safeMode).toEqual([true, false]);

    // Live: the pump's alerts and the halt over SSE, and the halt in force.
    stream = sseConnect(new URL(`api/stream?access_token=${TOKENS.viewer}`, url).toString());
    expect(await stream.status).toBe(200);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await produceEvents(producer, k.topics.events, events);
    await producer.disconnect();
    const HALTED = 'vs:venue-a:SOLUSDT';
    const parsed = (event: string) =>
      stream!.events
        .filter((e) => e.event === event)
        .map((e) => JSON.parse(e.data) as Record<string, unknown>);
    await stream.waitFor(
      () =>
        parsed('alert').some((a) => a.key === HALTED) &&
        parsed('command').some((c) => c.action === 'HALT' && (c.scope as { key: string }).key === HALTED) &&
        parsed('ack').some((a) => a.action === 'HALT' && a.scopeKey === HALTED && a.status === 'APPLIED'),
      120_000,
    );
    expect(parsed('command').every((c) => c.action !== 'HEARTBEAT')).toBe(true);
    const halts = (await api('api/halts', 'viewer')).json as { items?: unknown[] } & Record<string, unknown>;
    expect(JSON.stringify(halts)).toContain(`"key":"${HALTED}"`);
    expect(engine.activeRestrictions().map((r) => `${r.action} ${r.scope.key}`)).toContain(`HALT ${HALTED}`);

    // A viewer cannot resume; an operator can, and the resume goes through the partition's policy.
    const body = { key: HALTED, why: 'pump checked, book normal', requestId: `resume-${Date.now()}` };
    expect((await api('api/halts/resume', 'viewer', body)).status).toBe(403);
    const resumed = await api('api/halts/resume', 'operator', body);
    expect(resumed.status).toBe(202);
    await waitFor(
      () => !engine.activeRestrictions().some((r) => r.scope.key === HALTED),
      30_000,
      'the engine to lift the halt',
    );
    const resume = answered.find((a) => a.command.action === 'RESUME' && a.command.scope.key === HALTED)!;
    expect(resume.ack.status).toBe('APPLIED');
    expect(resume.command.issuedBy).toEqual({ user: 'olga', why: body.why });
    expect(resume.command.reason.code).toBe('MANUAL_RESUME');
    // Issued by the policy (its sequence follows the halt's), not the desk's own command.
    const halt = answered.find((a) => a.command.action === 'HALT' && a.command.scope.key === HALTED)!;
    expect(resume.command.sequence).toBeGreaterThan(halt.command.sequence);
    await stream.waitFor(
      () => parsed('ack').some((a) => a.action === 'RESUME' && a.scopeKey === HALTED),
      30_000,
    );
    await waitFor(
      async () => !JSON.stringify((await api('api/halts', 'viewer')).json).includes(`"key":"${HALTED}"`),
      30_000,
      'the halt to leave /api/halts',
    );

    // History from InfluxDB.
    await waitFor(
      async () => {
        const h = await api(`api/history/commands?from=${start}&to=${start + 200_000}&limit=100`, 'viewer');
        return JSON.stringify(h.json).includes(halt.command.commandId);
      },
      60_000,
      'the halt in the InfluxDB history',
    );

    // Each request, refused ones too, is sealed into the instance's chain.
    child.child.kill('SIGTERM');
    expect(await child.exited).toBe(0);
    const chains = await verifyAuditTopic(kafka, k.topics.audit);
    expect(chains.length).toBeGreaterThan(0);
    expect(chains.every((c) => c.ok)).toBe(true);
    const desk = [...(await readAll(kafka, k.topics.audit)).values()]
      .flat()
      .map((m) => (unseal(m.value) as { entry: AuditEntry }).entry)
      .filter((e) => e.kind === 'desk')
      .map((e) => `${e.action} ${e.scope ?? ''}`);
    expect(desk).toEqual([
      'resume:refused global',
      'resume:accepted global',
      `resume:refused ${HALTED}`,
      `resume:accepted ${HALTED}`,
    ]);
  }, 300_000);
});
