/**
 * Per-key state with eviction of idle keys: a key not seen for `idleMs` of event time (measured
 * against the newest event time seen) is dropped, and so is the least recently seen key beyond
 * `maxKeys`. Keys are kept in order of their newest event (a Map re-inserted when a key sees a
 * newer event), so eviction only looks at the front: O(1) amortised per event. A key first seen
 * through a late event sits behind newer ones and goes at most the allowed lateness late.
 */
export class KeyStore<S> {
  private readonly entries = new Map<string, { state: S; seen: number }>();
  private now = Number.NEGATIVE_INFINITY;
  /** Keys dropped so far. */
  evicted = 0;

  constructor(
    readonly idleMs: number,
    readonly maxKeys = Number.POSITIVE_INFINITY,
    private readonly onEvict?: (key: string, state: S) => void,
  ) {
    if (!(idleMs > 0)) throw new RangeError(`idleMs must be positive, got ${idleMs}`);
    if (!(maxKeys >= 1)) throw new RangeError(`maxKeys must be at least 1, got ${maxKeys}`);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The key's state (created by `create` when new), marked as seen at `eventTime`. */
  get(key: string, eventTime: number, create: () => S): S {
    if (eventTime > this.now) this.now = eventTime;
    let e = this.entries.get(key);
    if (!e) {
      e = { state: create(), seen: eventTime };
      this.entries.set(key, e);
    } else if (eventTime > e.seen) {
      // Only a newer event moves the key back: a late one leaves it where its newest put it.
      e.seen = eventTime;
      this.entries.delete(key);
      this.entries.set(key, e);
    }
    this.evict(key);
    return e.state;
  }

  /** Looks a key up without touching it. */
  peek(key: string): S | undefined {
    return this.entries.get(key)?.state;
  }

  private evict(keep: string): void {
    for (const [k, e] of this.entries) {
      if (k === keep) break;
      if (this.entries.size <= this.maxKeys && this.now - e.seen <= this.idleMs) break;
      this.entries.delete(k);
      this.evicted++;
      this.onEvict?.(k, e.state);
    }
  }

  keys(): IterableIterator<string> {
    return this.entries.keys();
  }
}
