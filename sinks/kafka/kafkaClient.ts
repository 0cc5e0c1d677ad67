import { readFileSync } from 'node:fs';
import { Kafka, logLevel, type KafkaConfig as KafkaJsConfig, type SASLOptions } from 'kafkajs';
import { ConfigError } from '../../core/errors.ts';
import { secretFromEnv } from '../../core/loadConfig.ts';
import type { KafkaConfig } from '../../schemas/kafkaConfig.ts';

/** A kafkajs client from flowguard's Kafka configuration: TLS files read, SASL password from the environment. */
export function kafkaClient(config: KafkaConfig, clientIdSuffix = ''): Kafka {
  const options: KafkaJsConfig = {
    clientId: config.clientId + clientIdSuffix,
    brokers: config.brokers,
    // kafkajs logs retriable broker answers (a coordinator still loading) as errors; failures that
    // matter reach the caller as exceptions. FLOWGUARD_KAFKA_LOG=debug|info|warn|error turns logging
    // on (never with secrets: kafkajs logs the mechanism and broker, not the credentials).
    logLevel:
      (
        { debug: logLevel.DEBUG, info: logLevel.INFO, warn: logLevel.WARN, error: logLevel.ERROR } as Record<
          string,
          logLevel
        >
      )[process.env['FLOWGUARD_KAFKA_LOG'] ?? ''] ?? logLevel.NOTHING,
    retry: { initialRetryTime: 100, retries: 12, maxRetryTime: 5_000 },
    connectionTimeout: 5_000,
  };
  if (config.ssl) {
    const { ca, cert, key, passphraseEnv, rejectUnauthorized } = config.ssl;
    options.ssl = {
      rejectUnauthorized,
      ...(ca ? { ca: [pemFile(ca, 'kafka.ssl.ca')] } : {}),
      ...(cert ? { cert: pemFile(cert, 'kafka.ssl.cert') } : {}),
      ...(key ? { key: pemFile(key, 'kafka.ssl.key') } : {}),
      ...(passphraseEnv ? { passphrase: secretFromEnv(passphraseEnv, 'the Kafka TLS key passphrase') } : {}),
    };
  }
  if (config.sasl) {
    const { mechanism, username, passwordEnv, passwordFile } = config.sasl;
    options.sasl = {
      mechanism,
      username,
      password: passwordFile
        ? secretFile(passwordFile, 'kafka.sasl.passwordFile')
        : secretFromEnv(passwordEnv, 'the Kafka SASL password'),
    } as SASLOptions;
  }
  return new Kafka(options);
}

function pemFile(path: string, field: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(
      `${field}: cannot read '${path}': ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
      {
        cause: err,
      },
    );
  }
}

/** A secret from a file (a mounted Kubernetes or Docker secret); the error names the file, never the content. */
function secretFile(path: string, field: string): string {
  const value = pemFile(path, field).trim();
  if (value === '') throw new ConfigError(`${field}: '${path}' is empty`);
  return value;
}
