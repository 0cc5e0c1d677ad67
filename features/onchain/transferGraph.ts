import type { AddressRiskBook } from './addressRiskBook.ts';
import { FLAGGED_WEIGHT } from './riskCategories.ts';

interface Node {
  /** Most recent distinct counterparties, a ring of at most maxNeighbors. */
  readonly nbrs: string[];
  next: number;
  /** Visit mark of the last search that reached this node. */
  stamp: number;
  /** Risk weight and exchange flag from the book, valid while the book's version is `seen`. */
  w: number;
  ex: boolean;
  seen: number;
  /** Highest weight among the counterparties, valid while the book's version is `nwAt` and not `dirty`. */
  nw: number;
  nwAt: number;
  dirty: boolean;
}

export interface TransferGraphOptions {
  /** Nodes kept; the least recently active are evicted beyond it. */
  maxNodes?: number;
  /** Counterparties kept per address (the most recent); a hub's older ones are forgotten. */
  maxNeighbors?: number;
  /** How far exposure searches reach. */
  maxHops?: number;
  /** Risk passed on per hop: a flagged address of weight w at h hops gives w * decay^h. */
  decay?: number;
}

/**
 * Who transacted with whom, bounded: at most maxNodes addresses (least recently active evicted),
 * each with its maxNeighbors most recent distinct counterparties, so memory is at most about
 * maxNodes * (maxNeighbors + 1) address strings. Exposure is a breadth-first search of at most
 * maxHops over it (at most maxNeighbors^maxHops nodes: 272 at the defaults), which does not pass
 * through exchanges: an exchange is everyone's counterparty and would taint the whole graph (an
 * exchange's own direct counterparties still count for the exchange).
 */
export class TransferGraph {
  readonly maxNodes: number;
  readonly maxNeighbors: number;
  readonly maxHops: number;
  readonly decay: number;
  private readonly nodes = new Map<string, Node>();
  private lastEventId = '';
  private stamp = 0;
  private readonly queue: string[] = [];
  private readonly depth: number[] = [];
  /** Results of the last `exposure` call. */
  hops = Number.POSITIVE_INFINITY;
  risk = 0;
  /** Nodes evicted to stay within maxNodes. */
  evicted = 0;
  /** Bumped whenever the graph changes, so a repeated exposure query can be answered from cache. */
  private version = 0;
  private cached = '';
  private cachedAt = -1;
  private cachedBook = -1;

  constructor(
    readonly book: AddressRiskBook,
    o: TransferGraphOptions = {},
  ) {
    const { maxNodes = 200_000, maxNeighbors = 16, maxHops = 2, decay = 0.5 } = o;
    if (!(maxNodes >= 2 && maxNeighbors >= 1 && maxHops >= 1 && decay > 0 && decay < 1))
      throw new RangeError(
        'TransferGraph needs maxNodes >= 2, maxNeighbors >= 1, maxHops >= 1, 0 < decay < 1',
      );
    this.maxNodes = maxNodes;
    this.maxNeighbors = maxNeighbors;
    this.maxHops = maxHops;
    this.decay = decay;
  }

  get size(): number {
    return this.nodes.size;
  }

  /** Records a transfer once (repeats of the same eventId, as delivered to both keys, are ignored). */
  addTransfer(eventId: string, from: string, to: string): void {
    if (eventId === this.lastEventId) return;
    this.lastEventId = eventId;
    this.version++;
    if (from === to) {
      this.touch(from);
      return;
    }
    link(this.touch(from), to, this.maxNeighbors);
    link(this.touch(to), from, this.maxNeighbors);
    while (this.nodes.size > this.maxNodes) {
      const oldest = this.nodes.keys().next().value as string;
      this.nodes.delete(oldest);
      this.evicted++;
    }
  }

  /** Moves an address to the most-recent end (Map order is insertion order). */
  private touch(a: string): Node {
    let n = this.nodes.get(a);
    if (n) this.nodes.delete(a);
    else n = { nbrs: [], next: 0, stamp: 0, w: 0, ex: false, seen: -1, nw: 0, nwAt: -1, dirty: true };
    this.nodes.set(a, n);
    return n;
  }

  /**
   * Exposure of `address`: sets `hops` (hops to the nearest flagged address, 0 if it is flagged
   * itself, Infinity beyond maxHops) and `risk` (max over addresses within maxHops of
   * weight * decay^hops). Returns `hops`.
   */
  exposure(address: string): number {
    const book = this.book;
    // Several features of one key ask in a row about the same, unchanged graph.
    if (address === this.cached && this.version === this.cachedAt && book.version === this.cachedBook)
      return this.hops;
    this.cached = address;
    this.cachedAt = this.version;
    this.cachedBook = book.version;
    const own = book.weight(address);
    this.risk = own;
    this.hops = own >= FLAGGED_WEIGHT ? 0 : Number.POSITIVE_INFINITY;
    const start = this.nodes.get(address);
    if (!start) return this.hops;
    // An exchange's own counterparties count, but the search goes no further through it.
    const reach = book.isExchange(address) ? 1 : this.maxHops;
    if (reach <= 2) return this.twoHops(start, reach);
    const stamp = ++this.stamp;
    start.stamp = stamp;
    const q = this.queue;
    const d = this.depth;
    q.length = 0;
    d.length = 0;
    q.push(address);
    d.push(0);
    for (let head = 0; head < q.length; head++) {
      const h = d[head]! + 1;
      const node = this.nodes.get(q[head]!);
      if (!node) continue;
      const f = Math.pow(this.decay, h);
      for (const nb of node.nbrs) {
        const nn = this.nodes.get(nb);
        let w: number;
        let ex: boolean;
        if (nn) {
          if (nn.stamp === stamp) continue;
          nn.stamp = stamp;
          w = this.weightOf(nn, nb);
          ex = nn.ex;
        } else {
          w = book.weight(nb);
          ex = book.isExchange(nb);
        }
        if (w * f > this.risk) this.risk = w * f;
        if (w >= FLAGGED_WEIGHT && h < this.hops) this.hops = h;
        if (h < reach && nn && !ex) {
          q.push(nb);
          d.push(h);
        }
      }
    }
    return this.hops;
  }

  /**
   * The same search for up to two hops in O(maxNeighbors): the second hop is read from each
   * counterparty's cached highest counterparty weight (recomputed when its ring or the book
   * changed), instead of visiting maxNeighbors^2 addresses.
   */
  private twoHops(start: Node, reach: number): number {
    const d1 = this.decay;
    const d2 = d1 * d1;
    for (const nb of start.nbrs) {
      const nn = this.nodes.get(nb);
      const w = nn ? this.weightOf(nn, nb) : this.book.weight(nb);
      if (w * d1 > this.risk) this.risk = w * d1;
      if (w >= FLAGGED_WEIGHT && this.hops > 1) this.hops = 1;
      if (reach < 2 || !nn || nn.ex) continue;
      const m = this.neighbourMax(nn);
      if (m * d2 > this.risk) this.risk = m * d2;
      if (m >= FLAGGED_WEIGHT && this.hops > 2) this.hops = 2;
    }
    return this.hops;
  }

  /** A node's weight (and exchange flag) from the book, cached per book version. */
  private weightOf(n: Node, address: string): number {
    if (n.seen !== this.book.version) {
      n.w = this.book.weight(address);
      n.ex = this.book.isExchange(address);
      n.seen = this.book.version;
    }
    return n.w;
  }

  private neighbourMax(n: Node): number {
    if (n.dirty || n.nwAt !== this.book.version) {
      let m = 0;
      for (const x of n.nbrs) {
        const nx = this.nodes.get(x);
        const w = nx ? this.weightOf(nx, x) : this.book.weight(x);
        if (w > m) m = w;
      }
      n.nw = m;
      n.nwAt = this.book.version;
      n.dirty = false;
    }
    return n.nw;
  }

  /** Forgets every node (the stream's history), keeping the options. */
  reset(): void {
    this.version++;
    this.nodes.clear();
    this.lastEventId = '';
    this.evicted = 0;
  }

  /** Plain JSON for checkpoints: [address, counterparties (oldest first)] in recency order. */
  toJSON(): [string, string[]][] {
    const out: [string, string[]][] = [];
    for (const [a, n] of this.nodes) {
      const k = n.nbrs.length;
      const nb: string[] = [];
      for (let i = 0; i < k; i++) nb.push(n.nbrs[(n.next + i) % k]!);
      out.push([a, nb]);
    }
    return out;
  }

  static fromJSON(json: unknown, book: AddressRiskBook, o: TransferGraphOptions = {}): TransferGraph {
    const g = new TransferGraph(book, o);
    g.load(json);
    return g;
  }

  /** Replaces every node with those of a `toJSON()` (checkpoint restore, in place). */
  load(json: unknown): void {
    this.reset();
    for (const [a, nb] of json as [string, string[]][]) {
      const n = this.touch(a);
      for (const x of nb) link(n, x, this.maxNeighbors);
    }
    while (this.nodes.size > this.maxNodes) this.nodes.delete(this.nodes.keys().next().value as string);
  }
}

/** Adds a counterparty unless known; a full ring overwrites its oldest. */
function link(n: Node, other: string, max: number): void {
  if (n.nbrs.includes(other)) return;
  n.dirty = true;
  if (n.nbrs.length < max) n.nbrs.push(other);
  else {
    n.nbrs[n.next] = other;
    n.next = (n.next + 1) % max;
  }
}
