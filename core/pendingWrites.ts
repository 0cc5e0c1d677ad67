/**
 * Writes in flight to asynchronous outputs (Kafka producers). The consumer commits an input batch
 * only after `settle()`: every output the batch produced is then held by its broker (at least once).
 */
export class PendingWrites {
  private readonly pending = new Set<Promise<unknown>>();
  private failure: unknown;

  track<T>(p: Promise<T>): Promise<T> {
    this.pending.add(p);
    p.then(
      () => this.pending.delete(p),
      (err: unknown) => {
        this.pending.delete(p);
        this.failure ??= err;
      },
    );
    return p;
  }

  get size(): number {
    return this.pending.size;
  }

  /** Resolves when every tracked write has; rejects with the first failure since the last settle. */
  async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
    if (this.failure !== undefined) {
      const err = this.failure;
      this.failure = undefined;
      throw err;
    }
  }
}
