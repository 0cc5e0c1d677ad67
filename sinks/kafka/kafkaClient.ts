import { readFileSync } from 'node:fs';
import { Kafka, logLevel, type KafkaConfig as KafkaJsConfig, type SASLOptions } from 'kafkajs';
import { secretFromEnv } from '../../core/loadConfig.ts';
import type { KafkaConfig } from '../../schemas/kafkaConfig.ts';

/** A kafkajs client from flowguard's Kafka configuration: TLS files read, SASL password from the environment. */
export function kafkaClient(config: KafkaConfig, clientIdSuffix = ''): Kafka {
  const options: KafkaJsConfig = {
    clientId: config.clientId + clientIdSuffix,
    brokers: config.brokers,
    // kafkajs logs retriable broker answers (a coordinator still loading) as errors; failures that
    // matter reach the caller as exceptions. FLOWGUARD_KAFKA_LOG=info|warn|error turns logging on.
    logLevel:
      ({ info: logLevel.INFO, warn: logLevel.WARN, error: logLevel.ERROR } as Record<string, logLevel>)[
        process.env['FLOWGUARD_KAFKA_LOG'] ?? ''
      ] ?? logLevel.NOTHING,
    retry: { initialRetryTime: 100, retries: 12, maxRetryTime: 5_000 },
    connectionTimeout: 5_000,
  };
  if (config.ssl) {
    options.ssl = {
      rejectUnauthorized: config.ssl.rejectUnauthorized,
      ...(config.ssl.ca ? { ca: [readFileSync(config.ssl.ca, 'utf8')] } : {}),
      ...(config.ssl.cert ? { cert: readFileSync(config.ssl.cert, 'utf8') } : {}),
      ...(config.ssl.key ? { key: readFileSync(config.ssl.key, 'utf8') } : {}),
    };
  }
  if (config.sasl) {
    options.sasl = {
      mechanism: config.sasl.mechanism,
      username: config.sasl.username,
      password: secretFromEnv(config.sasl.passwordEnv, 'the Kafka SASL password'),
    } as SASLOptions;
  }
  return new Kafka(options);
}
