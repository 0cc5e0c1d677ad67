/**
 * Writes in flight to asynchronous outputs (Kafka producers). The consumer commits an input batch
 * only after `settle()`: every output the batch produced is then held by its broker (at least once).
 *
 * Every write is numbered in the order it is tracked, so that a checkpoint can wait for exactly
 * the writes made before its snapshot (`mark`, then `settleThrough`) while more are tracked: under
 * continuous flow `settle()` need never find the set empty.
 */
export class PendingWrites {
  private readonly pending = new Map<Promise<unknown>, number>();
  private failure: unknown;
  /** Number of the last write tracked. */
  private seq = 0;
  /** Failed writes by number, kept for `settleThrough` until `forget`. */
  private failures: { readonly seq: number; readonly err: unknown }[] = [];

  track<T>(p: Promise<T>): Promise<T> {
    const seq = ++this.seq;
    this.pending.set(p, seq);
    p.then(
      () => this.pending.delete(p),
      (err: unknown) => {
        this.pending.delete(p);
        this.failure ??= err;
        this.failures.push({ seq, err });
      },
    );
    return p;
  }

  get size(): number {
    return this.pending.size;
  }

  /** The writes tracked so far, as a bound for `settleThrough`. */
  get mark(): number {
    return this.seq;
  }

  /** The last mark up to which every write has settled. */
  get settledThrough(): number {
    let oldest = this.seq + 1;
    for (const seq of this.pending.values()) if (seq < oldest) oldest = seq;
    return oldest - 1;
  }

  /** Resolves when every tracked write has; rejects with the first failure since the last settle. */
  async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending.keys()]);
    if (this.failure !== undefined) {
      const err = this.failure;
      this.failure = undefined;
      throw err;
    }
  }

  /**
   * Resolves when every write tracked up to mark `upTo` has settled, whatever is tracked
   * meanwhile; rejects when one tracked after mark `since` and up to `upTo` failed. A failure is
   * not used up: every range holding it rejects (a failed write's owner is not known here, so
   * whatever checked a range holding it must not count on it), until `forget`.
   */
  async settleThrough(since: number, upTo: number): Promise<void> {
    const waiting: Promise<unknown>[] = [];
    for (const [p, seq] of this.pending) if (seq <= upTo) waiting.push(p);
    await Promise.allSettled(waiting);
    const failed = this.failures.find((f) => f.seq > since && f.seq <= upTo);
    if (failed) throw failed.err;
  }

  /** Drops the failures of writes up to mark `upTo`: no range to be settled holds them any more. */
  forget(upTo: number): void {
    if (this.failures.length > 0) this.failures = this.failures.filter((f) => f.seq > upTo);
  }
}
