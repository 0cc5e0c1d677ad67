import type { Sink } from './sink.ts';

/** An entry of the feed: a monotonically increasing id (for SSE Last-Event-ID) and the value. */
export interface FeedEntry<T> {
  readonly id: number;
  readonly value: T;
}

/**
 * A bounded in-memory feed with subscribers: keeps the last `capacity` entries so a client that
 * reconnects with the last id it saw gets what it missed; older entries are dropped and counted.
 */
export class MemoryFeed<T> implements Sink<T> {
  readonly name: string;
  private readonly entries: FeedEntry<T>[] = [];
  private nextId = 1;
  private readonly listeners = new Set<(e: FeedEntry<T>) => void>();
  dropped = 0;

  constructor(
    name: string,
    private readonly capacity = 10_000,
  ) {
    this.name = name;
  }

  write(batch: readonly T[]): void {
    for (const value of batch) {
      const entry = { id: this.nextId++, value };
      this.entries.push(entry);
      if (this.entries.length > this.capacity) {
        this.entries.shift();
        this.dropped++;
      }
      for (const l of this.listeners) l(entry);
    }
  }

  /** Entries with id greater than `afterId`, oldest first. */
  since(afterId = 0): FeedEntry<T>[] {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.entries[mid]!.id <= afterId) lo = mid + 1;
      else hi = mid;
    }
    return this.entries.slice(lo);
  }

  values(): T[] {
    return this.entries.map((e) => e.value);
  }

  get size(): number {
    return this.entries.length;
  }

  /** Calls `listener` for every new entry until the returned function is called. */
  subscribe(listener: (e: FeedEntry<T>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async flush(): Promise<void> {}
  async close(): Promise<void> {
    this.listeners.clear();
  }
}
