/**
 * What ends a long-running command (`run`, `engine`): SIGTERM, SIGINT, or its Kafka consumer
 * stopping for good. Hand `consumerLost` to the runtime as its `onConsumerLost`, then await
 * `stopped()`; `lost` then says whether the consumer was lost (the command exits with status 1,
 * for its supervisor to start it again) or a signal asked it to stop.
 */
export class StopRequest {
  private error: Error | undefined;
  private wake = (): void => undefined;

  /** The consumer stopped for good (kafkajs will not restart it). */
  readonly consumerLost = (err: Error): void => {
    this.error = err;
    this.wake();
  };

  /** The lost consumer's error, once it is lost. */
  get lost(): Error | undefined {
    return this.error;
  }

  /** Resolves at the first signal, or when the consumer is lost (at once if it already is). */
  stopped(): Promise<void> {
    return new Promise<void>((resolve) => {
      process.once('SIGTERM', () => resolve());
      process.once('SIGINT', () => resolve());
      this.wake = resolve;
      if (this.error) resolve();
    });
  }
}
