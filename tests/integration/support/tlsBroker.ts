import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { installKafka, javaCommand } from '../../../services/kafka/install.ts';
import { resolveSettings } from '../../../services/settings.ts';

/** A free TCP port on loopback. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** A second, throwaway broker with TLS listeners, for the transport-security tests. */
export interface TlsBroker {
  /** TLS only (no client authentication). */
  readonly sslBrokers: string[];
  /** SASL/SCRAM-SHA-512 over TLS. */
  readonly saslBrokers: string[];
  /** PEM of the self-signed certificate the broker presents (the client's CA). */
  readonly caFile: string;
  readonly username: string;
  readonly password: string;
  readonly dir: string;
  stop(): Promise<void>;
}

/**
 * Starts a single-node KRaft broker from the jars `flowguard services up` installed, on free
 * ports, with an SSL listener and a SASL_SSL (SCRAM-SHA-512) listener, a self-signed certificate
 * made with keytool (CN=localhost, SAN ip:127.0.0.1) and a SCRAM user created at format time.
 * The default local services are left as they are.
 */
export async function startTlsBroker(): Promise<TlsBroker> {
  const settings = resolveSettings({ onProgress: () => undefined });
  const libs = await installKafka(settings);
  const java = javaCommand();
  const dir = mkdtempSync(join(tmpdir(), 'flowguard-tls-'));
  const storePass = randomBytes(12).toString('hex');
  const password = randomBytes(12).toString('hex');
  const username = 'flowguard';
  const keystore = join(dir, 'broker.p12');
  const caFile = join(dir, 'ca.pem');
  execFileSync('keytool', [
    '-genkeypair',
    '-alias',
    'broker',
    '-keyalg',
    'RSA',
    '-keysize',
    '2048',
    '-validity',
    '2',
    '-dname',
    'CN=localhost',
    '-ext',
    'SAN=ip:127.0.0.1,dns:localhost',
    '-keystore',
    keystore,
    '-storetype',
    'PKCS12',
    '-storepass',
    storePass,
    '-keypass',
    storePass,
  ]);
  execFileSync('keytool', [
    '-exportcert',
    '-rfc',
    '-alias',
    'broker',
    '-keystore',
    keystore,
    '-storepass',
    storePass,
    '-file',
    caFile,
  ]);
  const [ssl, sasl, internal, controller] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const data = join(dir, 'data');
  mkdirSync(data);
  const props = join(dir, 'server.properties');
  writeFileSync(
    props,
    [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@127.0.0.1:${controller}`,
      `listeners=SSL://127.0.0.1:${ssl},SASL_SSL://127.0.0.1:${sasl},INTERNAL://127.0.0.1:${internal},CONTROLLER://127.0.0.1:${controller}`,
      `advertised.listeners=SSL://127.0.0.1:${ssl},SASL_SSL://127.0.0.1:${sasl},INTERNAL://127.0.0.1:${internal}`,
      'listener.security.protocol.map=SSL:SSL,SASL_SSL:SASL_SSL,INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT',
      'inter.broker.listener.name=INTERNAL',
      'controller.listener.names=CONTROLLER',
      `ssl.keystore.location=${keystore}`,
      'ssl.keystore.type=PKCS12',
      `ssl.keystore.password=${storePass}`,
      `ssl.key.password=${storePass}`,
      'ssl.client.auth=none',
      'sasl.enabled.mechanisms=SCRAM-SHA-512',
      'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;',
      `log.dirs=${data}`,
      'offsets.topic.replication.factor=1',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'share.coordinator.state.topic.replication.factor=1',
      'share.coordinator.state.topic.min.isr=1',
      'group.initial.rebalance.delay.ms=0',
      '',
    ].join('\n'),
  );
  const classpath = join(libs, '*');
  const log = join(dir, 'broker.log');
  execFileSync(
    java,
    [
      '-cp',
      classpath,
      'kafka.tools.StorageTool',
      'format',
      '-t',
      randomBytes(16).toString('base64url').replace(/^-/, 'A'),
      '-c',
      props,
      '--add-scram',
      `SCRAM-SHA-512=[name=${username},password=${password}]`,
    ],
    { stdio: 'ignore' },
  );
  const out = openSync(log, 'a');
  const child: ChildProcess = spawn(java, ['-Xmx512m', '-Xms128m', '-cp', classpath, 'kafka.Kafka', props], {
    stdio: ['ignore', out, out],
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const broker: TlsBroker = {
    sslBrokers: [`127.0.0.1:${ssl}`],
    saslBrokers: [`127.0.0.1:${sasl}`],
    caFile,
    username,
    password,
    dir,
    async stop() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
  // Up once a TLS client gets metadata with a controller.
  const ca = readFileSync(caFile, 'utf8');
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(
        `the TLS broker exited: ${readFileSync(log, 'utf8').split('\n').slice(-20).join('\n')}`,
      );
    const admin = new Kafka({
      clientId: 'tls-probe',
      brokers: broker.sslBrokers,
      ssl: { ca: [ca] },
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
      connectionTimeout: 2_000,
    }).admin();
    const up = await admin
      .connect()
      .then(() => admin.describeCluster())
      .then((c) => c.controller !== null)
      .catch(() => false)
      .finally(() => admin.disconnect().catch(() => undefined));
    if (up) return broker;
    if (Date.now() > deadline) {
      await broker.stop();
      throw new Error('the TLS broker did not come up in 120 s');
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}
