import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { ReferenceEngine } from '../../engine/referenceEngine.ts';
import { startWebhookServer, type WebhookServer } from '../../engine/webhookServer.ts';
import { startDistributed } from '../../pipelines/distributed.ts';
import { Ack } from '../../schemas/ack.ts';
import { AccessConfig } from '../../server/accessConfig.ts';
import { distributedDesk } from '../../server/distributedDesk.ts';
import { startRiskDesk, type RiskDesk } from '../../server/index.ts';
import { kafkaClient } from '../../sinks/kafka/kafkaClient.ts';
import { simulateMarket } from '../../simulator/marketSimulator.ts';
import { createTopics, produceEvents, testConfig, waitFor } from '../support/kafkaRun.ts';
import { readAll } from './support/scaleOut.ts';

const services = inject('services');
const DEAD_MAN_MS = 3_000;
const SECRET_ENV = 'FLOWGUARD_WEBHOOK_SECRET_IT';
const pump = {
  kind: 'pump',
  venue: 'venue-a',
  symbol: 'SOLUSDT',
  startMs: 60_000,
  durationMs: 20_000,
  rise: 0.03,
  intensity: 12,
} as const;

describe('webhook delivery in the distributed mode', () => {
  const secret = randomBytes(32).toString('hex');
  const adminToken = randomBytes(18).toString('hex');
  const safeMode: boolean[] = [];
  const engine = new ReferenceEngine('webhook-engine', Date.now, {
    deadMan: { timeoutMs: DEAD_MAN_MS, safeMode: 'REDUCE_ONLY' },
    onSafeMode: (e) => safeMode.push(e.entered),
  });
  const stopWatchdog = engine.startWatchdog(100);
  let hook: WebhookServer | undefined;
  let rt: Awaited<ReturnType<typeof startDistributed>> | undefined;
  let desk: Awaited<ReturnType<typeof distributedDesk>> | undefined;
  let server: RiskDesk | undefined;

  afterAll(async () => {
    await server?.close();
    await desk?.stop();
    await rt?.stop();
    await hook?.close();
    stopWatchdog();
    delete process.env[SECRET_ENV];
  });

  it('policy.engine.webhookUrl: commands and heartbeats reach an engine without Kafka, signed; its acks go to the acks topic; the desk’s global RESUME reaches it too', async () => {
    hook = await startWebhookServer({ engine, secret });
    process.env[SECRET_ENV] = secret;
    const config = testConfig(services, {
      policy: {
        engine: {
          webhookUrl: hook.url,
          webhookSecretEnv: SECRET_ENV,
          heartbeatIntervalMs: 250,
          deadManMs: DEAD_MAN_MS,
          safeMode: 'REDUCE_ONLY',
        },
      },
    });
    Object.assign(config.kafka, { featureSampleMs: 0 });
    const k = config.kafka;
    const kafka = kafkaClient(k, '-test');
    await createTopics(kafka, k);
    // No pipeline yet: the webhook engine enters safe mode.
    await waitFor(() => engine.safeMode !== null, 20_000, 'safe mode before the pipeline');

    rt = await startDistributed({
      config,
      instanceId: 'hook',
      heartbeats: true,
      audit: true,
      log: () => undefined,
    });
    expect(rt.webhook).toBeDefined();
    let running = true;
    desk = await distributedDesk({
      config,
      access: AccessConfig.parse({ tokens: [{ user: 'ada', role: 'admin', token: adminToken }] }),
      instanceName: rt.instanceName,
      chain: rt.audit!,
      webhook: rt.webhook!,
      running: () => running,
    });
    server = await startRiskDesk(desk.deps, { port: 0 });
    const res = await fetch(new URL('api/halts/resume', server.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        scope: { level: 'global' },
        why: 'pipeline is up',
        requestId: `g-${Date.now()}`,
      }),
    });
    expect(res.status).toBe(202);
    await waitFor(() => engine.safeMode === null, 20_000, 'the webhook engine to leave safe mode');

    // The pump: the policy's commands go to the webhook engine.
    const events = [
      ...simulateMarket({ seed: 2, startTime: Date.now() - 10 * 60_000, manipulations: [pump] }, 100_000),
    ];
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await produceEvents(producer, k.topics.events, events);
    await producer.disconnect();
    await waitFor(
      () =>
        engine.activeRestrictions().some((r) => r.action === 'HALT' && r.scope.key === 'vs:venue-a:SOLUSDT'),
      120_000,
      'the HALT applied through the webhook',
    );
    // Heartbeats keep it out of safe mode through the pump.
    expect(safeMode).toEqual([true, false]);
    expect(rt.webhook!.stats.failed).toBe(0);
    expect(rt.webhook!.stats.acked).toBeGreaterThan(rt.stats.commands);

    // Every webhook ack is on the acks topic.
    await waitFor(
      async () => {
        const acks = [...(await readAll(kafka, k.topics.acks)).values()]
          .flat()
          .map((m) => Ack.parse(JSON.parse(m.value)));
        return (
          acks.every((a) => a.engineId === 'webhook-engine') &&
          acks.some((a) => a.scopeKey === 'vs:venue-a:SOLUSDT' && a.status === 'APPLIED') &&
          acks.some((a) => a.scopeKey === 'global' && a.status === 'APPLIED') &&
          acks.some((a) => a.scopeKey?.startsWith('heartbeat:'))
        );
      },
      30_000,
      'the webhook acks on the acks topic',
    );

    // The instance stops: no more heartbeats, the webhook engine enters its safe mode.
    running = false;
    await server.close();
    server = undefined;
    await desk.stop();
    desk = undefined;
    await rt.stop();
    rt = undefined;
    await waitFor(
      () => engine.safeMode !== null,
      DEAD_MAN_MS + 10_000,
      'safe mode after the instance stopped',
    );
    expect(engine.safeMode!.action).toBe('REDUCE_ONLY');
  }, 300_000);
});
