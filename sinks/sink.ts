/**
 * Every output follows this contract (Benthos style): batched writes, explicit flush and close.
 * `write` must not block the caller on a slow or absent downstream: a sink buffers within a bound
 * and counts what it had to drop.
 */
export interface Sink<T> {
  readonly name: string;
  write(batch: readonly T[]): void | Promise<void>;
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** A command on its way to the engine, with the arrival time of the event that triggered it. */
export interface CommandDelivery {
  readonly command: import('../schemas/command.ts').Command;
  /** performance.now() when the triggering event arrived: halt latency runs from here to the ack. */
  readonly arrivalMs: number;
}
