import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runEngineOnKafka } from '../../engine/kafkaAdapter.ts';
import { ReferenceEngine } from '../../engine/referenceEngine.ts';
import { startDistributed } from '../../pipelines/distributed.ts';
import { Config } from '../../schemas/config.ts';
import { kafkaClient } from '../../sinks/kafka/kafkaClient.ts';
import { simulateMarket } from '../../simulator/marketSimulator.ts';
import { produceEvents, testConfig, waitFor } from '../support/kafkaRun.ts';
import { configFile, staggeredPumps, startInstance } from './support/scaleOut.ts';
import { startTlsBroker, type TlsBroker } from './support/tlsBroker.ts';

const services = inject('services');

describe('transport security - a broker with TLS and SASL/SCRAM listeners', () => {
  let broker: TlsBroker;
  beforeAll(async () => {
    broker = await startTlsBroker();
  }, 180_000);
  afterAll(async () => {
    await broker?.stop();
  });

  /** The test configuration pointed at the TLS broker, with SCRAM over TLS. */
  const saslConfig = (passwordEnv = 'FLOWGUARD_TEST_KAFKA_PASSWORD'): Config => {
    const c = testConfig(services);
    return Config.parse({
      ...c,
      kafka: {
        ...c.kafka,
        brokers: broker.saslBrokers,
        featureSampleMs: 0,
        ssl: { ca: broker.caFile },
        sasl: { mechanism: 'scram-sha-512', username: broker.username, passwordEnv },
      },
    });
  };

  it('TLS alone: a client that trusts the broker’s certificate connects; one that does not is refused', async () => {
    const c = testConfig(services);
    const tls = Config.parse({
      ...c,
      kafka: { ...c.kafka, brokers: broker.sslBrokers, ssl: { ca: broker.caFile } },
    });
    const admin = kafkaClient(tls.kafka).admin();
    await admin.connect();
    expect((await admin.describeCluster()).brokers).toHaveLength(1);
    await admin.disconnect();
    const untrusted = Config.parse({ ...c, kafka: { ...c.kafka, brokers: broker.sslBrokers, ssl: {} } });
    const refused = kafkaClient({ ...untrusted.kafka }).admin();
    await expect(refused.connect()).rejects.toThrow(/certificate|self.signed/i);
  });

  it('SCRAM over TLS: the pipeline and the engine run end to end; commands come back acknowledged', async () => {
    const config = saslConfig();
    process.env['FLOWGUARD_TEST_KAFKA_PASSWORD'] = broker.password;
    const engine = new ReferenceEngine();
    const rt = await startDistributed({ config, log: () => undefined });
    const adapter = await runEngineOnKafka(engine, config.kafka);
    try {
      const events = [
        ...simulateMarket({ seed: 21, manipulations: staggeredPumps(90_000, 30_000, 1) }, 150_000),
      ];
      const producer = kafkaClient(config.kafka).producer();
      await producer.connect();
      await produceEvents(producer, config.kafka.topics.events, events, 2_000);
      await producer.disconnect();
      await waitFor(
        () => rt.stats.decode.messages >= events.length,
        120_000,
        'events consumed over SASL_SSL',
      );
      await waitFor(
        () => rt.stats.commands > 0 && engine.applied >= rt.stats.commands,
        60_000,
        'commands applied',
      );
      expect(engine.activeRestrictions().length + engine.applied).toBeGreaterThan(0);
      expect(rt.stats.commands).toBeGreaterThanOrEqual(3);
    } finally {
      await adapter.stop();
      await rt.stop();
      delete process.env['FLOWGUARD_TEST_KAFKA_PASSWORD'];
    }
  }, 180_000);

  it('the password comes from a file as well; a wrong one is refused without being echoed', async () => {
    const file = join(broker.dir, 'kafka-password');
    writeFileSync(file, `${broker.password}\n`, { mode: 0o600 });
    const base = saslConfig();
    const fromFile = Config.parse({
      ...base,
      kafka: { ...base.kafka, sasl: { ...base.kafka.sasl!, passwordFile: file } },
    });
    const admin = kafkaClient(fromFile.kafka).admin();
    await admin.connect();
    expect((await admin.describeCluster()).brokers).toHaveLength(1);
    await admin.disconnect();

    const wrong = 'not-the-password-4711';
    process.env['FLOWGUARD_TEST_WRONG_PASSWORD'] = wrong;
    try {
      const bad = kafkaClient(saslConfig('FLOWGUARD_TEST_WRONG_PASSWORD').kafka).admin();
      const err = await bad.connect().then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(err?.message).toMatch(/SASL SCRAM SHA512 authentication failed|Authentication failed/i);
      expect(JSON.stringify(err, Object.getOwnPropertyNames(err))).not.toContain(wrong);
    } finally {
      delete process.env['FLOWGUARD_TEST_WRONG_PASSWORD'];
    }
    // A configuration naming a variable that is not set says which one, not a value.
    expect(() => kafkaClient(saslConfig('FLOWGUARD_TEST_UNSET_PASSWORD').kafka)).toThrow(
      /FLOWGUARD_TEST_UNSET_PASSWORD, which is not set/,
    );
  });

  it('flowguard run over SCRAM/TLS with kafkajs debug logging on never writes the password', async () => {
    const config = saslConfig('FLOWGUARD_KAFKA_PASSWORD');
    const file = configFile(config);
    const run = startInstance(
      file,
      {
        FLOWGUARD_KAFKA_PASSWORD: broker.password,
        FLOWGUARD_KAFKA_LOG: 'debug',
        FLOWGUARD_KAFKA_BROKERS: '',
      },
      ['--no-influx'],
    );
    try {
      const producer = kafkaClient({
        ...config.kafka,
        sasl: { ...config.kafka.sasl!, passwordFile: writePassword(broker) },
      }).producer();
      await producer.connect();
      await produceEvents(producer, config.kafka.topics.events, [...simulateMarket({ seed: 22 }, 20_000)]);
      await producer.disconnect();
      await waitFor(() => run.stderr.join('').includes('consuming'), 60_000, 'the instance to start');
      await waitFor(
        () => /restored \d+ state records/.test(run.stderr.join('')),
        60_000,
        'partitions assigned',
      );
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
      // kafkajs writes debug and info lines to stdout, warnings and errors to stderr.
      const out = run.stdout.join('') + run.stderr.join('');
      expect(out).toMatch(/SASL SCRAM SHA512 authentication successful/);
      expect(out).not.toContain(broker.password);
    } finally {
      if (run.child.exitCode === null) run.child.kill('SIGKILL');
    }
  }, 120_000);
});

function writePassword(b: TlsBroker): string {
  const f = join(b.dir, 'producer-password');
  writeFileSync(f, b.password, { mode: 0o600 });
  return f;
}
