/**
 * Every error class of flowguard. `retriable` tells retry logic whether trying again can help;
 * nothing retries a programming error (TypeError, RangeError).
 */
export class FlowguardError extends Error {
  readonly retriable: boolean;
  /** Process exit code when this error ends a CLI command. */
  readonly exitCode: number = 1;
  constructor(message: string, options: { cause?: unknown; retriable?: boolean } = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.retriable = options.retriable ?? false;
  }
}

/** Wrong command-line usage or configuration: names the field and says what to do. */
export class ConfigError extends FlowguardError {
  override readonly exitCode = 2;
}

/** A message that cannot be decoded or validated; carried to the dead-letter sink, never thrown across a stream. */
export class DecodeError extends FlowguardError {}

/** A service (Kafka, InfluxDB, the engine) cannot be reached or answered with an error. */
export class ServiceError extends FlowguardError {
  constructor(message: string, options: { cause?: unknown; retriable?: boolean } = {}) {
    super(message, { retriable: true, ...options });
  }
}

/** Input data (a CSV, a replay file, a model file) is unusable. */
export class DataError extends FlowguardError {}
