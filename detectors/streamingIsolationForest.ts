/**
 * An isolation forest for streams: it keeps a rolling reference window of recent vectors that
 * scored as normal and refits on it, so the model follows the market without learning the
 * anomalies it is meant to flag.
 *
 * - Warm-up: the first `warmUp` vectors all enter the window; until the first forest is in place
 *   `score` returns 0 (no evidence) and `explain` returns zeros.
 * - Afterwards `learn(x)` scores x; x enters the window (a typed-array ring) only if its score is
 *   below `admitBelow`.
 * - Refits run every `refitEvery` learned vectors, and early on drift: when the mean score of the
 *   last `driftWindow` vectors moves more than `driftThreshold` from the baseline: the mean of the
 *   first `driftWindow` scores after the last warm-up or scheduled refit. A persistent shift of the
 *   score level means the market moved to a new regime, where nothing scores as normal any more and
 *   the old window would never let the model adapt: so the window restarts from the last
 *   `driftWindow` vectors, admitted or not, and the refit trains on them. Drift refits keep the
 *   baseline, so while the level stays off (the first drift refit still saw some of the old regime)
 *   the next full `driftWindow` of new vectors triggers another one. The price: a manipulation that
 *   lasts longer than `driftWindow` vectors becomes the new normal, so size `driftWindow` to the
 *   longest episode that must keep alerting.
 * - `refit: 'worker'` (the default) fits in a worker thread and swaps the new forest in when it
 *   arrives, one assignment, so scoring never waits and always uses a complete model. When the swap
 *   happens depends on timing, so replays can differ around swaps; `refit: 'inline'` fits inside
 *   `learn` (a few milliseconds for 100 trees of 256 rows) and is fully deterministic: use it for
 *   replays, backtests and tests. If the worker cannot run, the refit falls back to inline, so the
 *   detector never goes blind.
 */
import { Worker } from 'node:worker_threads';
import { ConfigError, DataError } from '../core/errors.ts';
import type { Detector, DetectorFactory } from './detector.ts';
import {
  IsolationForest,
  checkArrays,
  fitIsolationForest,
  isolationForestFromJSON,
  type ForestArrays,
  type IsolationForestJson,
} from './isolationForest.ts';
import { FIT_WORKER_KIND, type FitReply, type FitRequest } from './isolationForestWorker.ts';

/** Options of the streaming forest; every field but `features` has a default. */
export interface StreamingIsolationForestOptions {
  /** Feature names, in the order vectors carry them. */
  features: readonly string[];
  trees?: number;
  sampleSize?: number;
  /** Seed of the first fit; fit i uses a seed derived from (seed, i). */
  seed?: number;
  /** Capacity of the reference window, in vectors. */
  windowSize?: number;
  /** Vectors learned before the first fit (at most `windowSize`). */
  warmUp?: number;
  /** Learned vectors between scheduled refits. */
  refitEvery?: number;
  /** After warm-up, only vectors scoring below this enter the reference window. */
  admitBelow?: number;
  /** Vectors in the rolling mean score watched for drift. */
  driftWindow?: number;
  /** Change of the rolling mean score, from the model's own baseline, that triggers a refit. */
  driftThreshold?: number;
  /** Where refits run: a worker thread (non-blocking) or inside `learn` (deterministic). */
  refit?: 'worker' | 'inline';
}

type Resolved = Required<Omit<StreamingIsolationForestOptions, 'features'>> & { features: string[] };

/** Why a refit started. */
export type RefitReason = 'warm-up' | 'schedule' | 'drift' | 'restore';

/** What the detector is doing, for metrics and tests. */
export interface StreamingIsolationForestStatus {
  /** Forests swapped in so far; 0 while warming up. */
  modelVersion: number;
  refitting: boolean;
  lastRefitReason: RefitReason | undefined;
  /** Message of the last failed background refit (it was then redone inline). */
  lastError: string | undefined;
  learned: number;
  windowCount: number;
}

/** Plain-JSON snapshot of a streaming forest. */
export interface StreamingIsolationForestJson {
  kind: 'streaming-isolation-forest';
  version: 1;
  options: Resolved;
  /** Reference window, oldest first (a missing feature is NaN, null once through JSON). */
  window: (number | null)[];
  /** Last learned vectors, oldest first. */
  recent: (number | null)[];
  /** Ring of the latest scores under the current model, its write position and running sum. */
  scoreRing: number[];
  scoreHead: number;
  scoreSum: number;
  scoresSinceSwap: number;
  baseline: number | null;
  learned: number;
  learnedSinceFit: number;
  fits: number;
  modelVersion: number;
  refitDue: boolean;
  forest: IsolationForestJson | null;
}

function resolve(o: StreamingIsolationForestOptions): Resolved {
  const r: Resolved = {
    features: [...o.features],
    trees: o.trees ?? 100,
    sampleSize: o.sampleSize ?? 256,
    seed: o.seed ?? 0,
    windowSize: o.windowSize ?? 2048,
    warmUp: o.warmUp ?? 512,
    refitEvery: o.refitEvery ?? 1024,
    admitBelow: o.admitBelow ?? 0.6,
    driftWindow: o.driftWindow ?? 256,
    driftThreshold: o.driftThreshold ?? 0.05,
    refit: o.refit ?? 'worker',
  };
  const int = (field: keyof Resolved, min: number): void => {
    const v = r[field] as number;
    if (!Number.isInteger(v) || v < min)
      throw new ConfigError(`${field} must be an integer >= ${min}, got ${v}.`);
  };
  if (r.features.length === 0) throw new ConfigError('features must name at least one feature.');
  int('trees', 1);
  int('sampleSize', 2);
  int('windowSize', 2);
  int('warmUp', 2);
  int('refitEvery', 1);
  int('driftWindow', 1);
  if (!Number.isFinite(r.seed)) throw new ConfigError(`seed must be a finite number, got ${r.seed}.`);
  if (r.warmUp > r.windowSize) {
    throw new ConfigError(
      `warmUp (${r.warmUp}) must not exceed windowSize (${r.windowSize}): warm-up vectors fill the window.`,
    );
  }
  if (!(r.admitBelow > 0 && r.admitBelow <= 1))
    throw new ConfigError(`admitBelow must be in (0, 1], got ${r.admitBelow}.`);
  if (!(r.driftThreshold > 0)) throw new ConfigError(`driftThreshold must be > 0, got ${r.driftThreshold}.`);
  if (r.refit !== 'worker' && r.refit !== 'inline') {
    throw new ConfigError(`refit must be 'worker' or 'inline', got '${String(r.refit)}'.`);
  }
  return r;
}

/** A fixed-capacity ring of vectors in one Float64Array. */
class VectorRing {
  readonly data: Float64Array;
  head = 0;
  count = 0;
  constructor(
    readonly capacity: number,
    readonly dims: number,
  ) {
    this.data = new Float64Array(capacity * dims);
  }
  push(x: ArrayLike<number>): void {
    const base = this.head * this.dims;
    for (let j = 0; j < this.dims; j++) this.data[base + j] = x[j]!;
    this.head = (this.head + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
  }
  /** Copies the vectors, oldest first, into `out` at row `at`; returns the next free row. */
  copyTo(out: Float64Array, at: number): number {
    const start = (this.head - this.count + this.capacity) % this.capacity;
    for (let i = 0; i < this.count; i++) {
      const src = ((start + i) % this.capacity) * this.dims;
      out.set(this.data.subarray(src, src + this.dims), (at + i) * this.dims);
    }
    return at + this.count;
  }
  /** The vectors, oldest first, flattened. */
  toArray(): number[] {
    const out = new Float64Array(this.count * this.dims);
    this.copyTo(out, 0);
    return Array.from(out);
  }
  clear(): void {
    this.head = 0;
    this.count = 0;
  }
  /** Pushes flattened vectors, oldest first, keeping the newest `capacity`. */
  load(values: readonly number[]): void {
    const rows = Math.min(this.capacity, Math.floor(values.length / this.dims));
    const skip = values.length / this.dims - rows;
    for (let i = 0; i < rows; i++)
      this.push(values.slice((skip + i) * this.dims, (skip + i + 1) * this.dims));
  }
}

/** Starts the fit worker; under tsx (TypeScript sources) the worker registers tsx before loading. */
function startFitWorker(): Worker {
  const target = new URL('./isolationForestWorker.ts', import.meta.url).href;
  let tsx = '';
  if (target.endsWith('.ts')) {
    try {
      tsx = import.meta.resolve('tsx/esm/api');
    } catch {
      tsx = '';
    }
  }
  const bootstrap = `
    const { workerData } = require('node:worker_threads');
    (async () => {
      if (workerData.tsx) (await import(workerData.tsx)).register();
      await import(workerData.target);
    })().catch((err) => { setImmediate(() => { throw err; }); });`;
  const worker = new Worker(bootstrap, { eval: true, workerData: { kind: FIT_WORKER_KIND, target, tsx } });
  worker.unref();
  return worker;
}

/** Streaming isolation forest: rolling reference window, warm-up, scheduled and drift refits. */
export class StreamingIsolationForest implements Detector {
  readonly name = 'streaming-isolation-forest';
  readonly features: readonly string[];
  private readonly o: Resolved;
  private readonly dims: number;
  private forest: IsolationForest | undefined;
  private readonly window: VectorRing;
  private readonly recent: VectorRing;
  private readonly scores: Float64Array;
  private scoreHead = 0;
  private scoresSinceSwap = 0;
  private scoreSum = 0;
  private baseline: number | undefined;
  private learned = 0;
  private learnedSinceFit = 0;
  private fits = 0;
  private modelVersion = 0;
  private refitDue = false;
  private lastRefitReason: RefitReason | undefined;
  private lastError: string | undefined;
  private worker: Worker | undefined;
  /** Set once a worker failed: later refits run inline rather than failing the same way again. */
  private workerUnavailable = false;
  private pending: { id: number; request: FitRequest; reason: RefitReason } | undefined;
  private idleWaiters: (() => void)[] = [];
  private closed = false;

  constructor(options: StreamingIsolationForestOptions) {
    this.o = resolve(options);
    this.features = Object.freeze([...this.o.features]);
    this.dims = this.features.length;
    this.window = new VectorRing(this.o.windowSize, this.dims);
    this.recent = new VectorRing(this.o.driftWindow, this.dims);
    this.scores = new Float64Array(this.o.driftWindow);
  }

  /** False until the first forest is in place (until then every score is 0). */
  get warm(): boolean {
    return this.forest !== undefined;
  }

  /** The options in effect, defaults filled in. */
  get options(): Readonly<Resolved> {
    return this.o;
  }

  status(): StreamingIsolationForestStatus {
    return {
      modelVersion: this.modelVersion,
      refitting: this.pending !== undefined,
      lastRefitReason: this.lastRefitReason,
      lastError: this.lastError,
      learned: this.learned,
      windowCount: this.window.count,
    };
  }

  /** Anomaly score in [0, 1] with the current model; 0 while warming up. Never waits for a refit. */
  score(x: ArrayLike<number>): number {
    this.check(x);
    const forest = this.forest;
    return forest ? forest.score(x) : 0;
  }

  /** Per-feature contributions with the current model (see IsolationForest.explain); zeros while warming up. */
  explain(x: ArrayLike<number>): Float64Array {
    this.check(x);
    const forest = this.forest;
    return forest ? forest.explain(x) : new Float64Array(this.dims);
  }

  /** Adds x to the stream's history; may start a refit. Call after `score(x)`. */
  learn(x: ArrayLike<number>): void {
    this.check(x);
    this.learned++;
    const forest = this.forest;
    if (!forest) {
      this.window.push(x);
      if (this.window.count >= this.o.warmUp && this.pending === undefined) this.startRefit('warm-up');
      return;
    }
    const s = forest.score(x);
    this.recent.push(x);
    if (s < this.o.admitBelow) this.window.push(x);
    this.trackScore(s);
    this.learnedSinceFit++;
    if (this.pending !== undefined) return;
    if (this.refitDue) this.startRefit('restore');
    else if (this.learnedSinceFit >= this.o.refitEvery) this.startRefit('schedule');
    else if (this.drifted()) this.startRefit('drift');
  }

  /** Resolves once no refit is in flight (at once if none is). */
  whenIdle(): Promise<void> {
    if (this.pending === undefined) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops the fit worker; the detector keeps scoring with its current model and refits inline from now on. */
  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = undefined;
    if (this.pending) this.finishPending();
    if (worker) await worker.terminate();
  }

  toJSON(): StreamingIsolationForestJson {
    return {
      kind: 'streaming-isolation-forest',
      version: 1,
      options: { ...this.o, features: [...this.o.features] },
      window: this.window.toArray(),
      recent: this.recent.toArray(),
      scoreRing: Array.from(this.scores),
      scoreHead: this.scoreHead,
      scoreSum: this.scoreSum,
      scoresSinceSwap: this.scoresSinceSwap,
      baseline: this.baseline ?? null,
      learned: this.learned,
      learnedSinceFit: this.learnedSinceFit,
      fits: this.fits,
      modelVersion: this.modelVersion,
      refitDue: this.refitDue || this.pending !== undefined,
      forest: this.forest ? this.forest.toJSON() : null,
    };
  }

  /** Restores a detector from `toJSON()` output: same model, window and counters. */
  static fromJSON(json: unknown): StreamingIsolationForest {
    const j = json as Partial<StreamingIsolationForestJson> | null;
    if (typeof j !== 'object' || j === null || j.kind !== 'streaming-isolation-forest') {
      throw new DataError(
        "not a streaming-isolation-forest model (expected kind 'streaming-isolation-forest').",
      );
    }
    if (j.version !== 1)
      throw new DataError(
        `streaming-isolation-forest model version ${String(j.version)} is not supported (expected 1).`,
      );
    const det = new StreamingIsolationForest(j.options as StreamingIsolationForestOptions);
    const numbers = (field: keyof StreamingIsolationForestJson, missing = false): number[] => {
      const v = j[field];
      if (!Array.isArray(v) || !v.every((e) => typeof e === 'number' || (missing && e === null))) {
        throw new DataError(`streaming-isolation-forest model: '${field}' must be an array of numbers.`);
      }
      return missing ? v.map((e) => (e === null ? Number.NaN : (e as number))) : (v as number[]);
    };
    // Stored vectors may hold missing features (NaN), which JSON writes as null.
    det.window.load(numbers('window', true));
    det.recent.load(numbers('recent', true));
    const ring = numbers('scoreRing');
    if (ring.length !== det.scores.length)
      throw new DataError("streaming-isolation-forest model: 'scoreRing' does not match driftWindow.");
    det.scores.set(ring);
    det.scoreHead = Number(j.scoreHead ?? 0) % det.scores.length;
    det.scoreSum = Number(j.scoreSum ?? 0);
    det.scoresSinceSwap = Number(j.scoresSinceSwap ?? 0);
    det.baseline = typeof j.baseline === 'number' ? j.baseline : undefined;
    det.learned = Number(j.learned ?? 0);
    det.learnedSinceFit = Number(j.learnedSinceFit ?? 0);
    det.fits = Number(j.fits ?? 0);
    det.modelVersion = Number(j.modelVersion ?? 0);
    det.refitDue = j.refitDue === true;
    if (j.forest) {
      const forest = isolationForestFromJSON(j.forest);
      if (forest.features.length !== det.dims)
        throw new DataError('streaming-isolation-forest model: forest and options disagree on features.');
      det.forest = forest;
    }
    return det;
  }

  private check(x: ArrayLike<number>): void {
    if (x.length !== this.dims)
      throw new DataError(`${this.name}: expected ${this.dims} features, got a vector of ${x.length}.`);
  }

  private pushScore(s: number): void {
    const n = this.o.driftWindow;
    if (this.scoresSinceSwap >= n) this.scoreSum -= this.scores[this.scoreHead]!;
    this.scores[this.scoreHead] = s;
    this.scoreSum += s;
    this.scoreHead = (this.scoreHead + 1) % n;
    this.scoresSinceSwap++;
    // Re-add from scratch once per lap so rounding in the running sum cannot accumulate.
    if (this.scoreHead === 0 && this.scoresSinceSwap >= n) {
      this.scoreSum = 0;
      for (let i = 0; i < n; i++) this.scoreSum += this.scores[i]!;
    }
  }

  private trackScore(s: number): void {
    this.pushScore(s);
    if (this.baseline === undefined && this.scoresSinceSwap === this.o.driftWindow) {
      this.baseline = this.scoreSum / this.o.driftWindow;
    }
  }

  private drifted(): boolean {
    if (this.baseline === undefined || this.scoresSinceSwap <= this.o.driftWindow) return false;
    return Math.abs(this.scoreSum / this.o.driftWindow - this.baseline) > this.o.driftThreshold;
  }

  private startRefit(reason: RefitReason): void {
    if (reason === 'drift') {
      this.window.clear();
      this.window.load(this.recent.toArray());
    }
    const rows = this.window.count;
    const data = new Float64Array(rows * this.dims);
    this.window.copyTo(data, 0);
    const seed = (Math.imul(this.fits, 0x9e3779b1) + this.o.seed) | 0;
    const request: FitRequest = {
      id: ++this.fits,
      data,
      rows,
      dims: this.dims,
      trees: this.o.trees,
      sampleSize: this.o.sampleSize,
      seed,
    };
    this.learnedSinceFit = 0;
    this.refitDue = false;
    this.lastRefitReason = reason;
    if (this.o.refit === 'inline' || this.closed || this.workerUnavailable) {
      this.swap(this.fitInline(request), reason);
      return;
    }
    this.pending = { id: request.id, request, reason };
    try {
      const worker = this.worker ?? this.spawn();
      worker.postMessage(request, [request.data.buffer as ArrayBuffer]);
    } catch (err) {
      this.workerFailed(err instanceof Error ? err.message : String(err));
    }
  }

  private spawn(): Worker {
    const worker = startFitWorker();
    worker.on('message', (reply: FitReply) => this.onReply(reply));
    const failed = (message: string): void => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.workerUnavailable = true;
      this.workerFailed(message);
    };
    worker.on('error', (err) => failed(err.message));
    worker.on('exit', (code) => failed(`fit worker exited with code ${code}`));
    this.worker = worker;
    return worker;
  }

  private onReply(reply: FitReply): void {
    if (this.closed || this.pending?.id !== reply.id) return;
    if ('error' in reply) {
      this.workerFailed(reply.error);
      return;
    }
    checkArrays(reply.arrays, this.dims);
    this.swap(this.assemble(reply.arrays, reply.sampleSize, this.pending.request.seed), this.pending.reason);
    this.finishPending();
  }

  /** A background refit failed: redo it inline so the detector keeps an up-to-date model. */
  private workerFailed(message: string): void {
    this.lastError = message;
    const pending = this.pending;
    if (!pending) return;
    // The request's buffer went to the dead worker: refit on the window as it is now.
    const rows = this.window.count;
    const data = new Float64Array(rows * this.dims);
    this.window.copyTo(data, 0);
    this.swap(this.fitInline({ ...pending.request, data, rows }), pending.reason);
    this.finishPending();
  }

  private finishPending(): void {
    this.pending = undefined;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private fitInline(req: FitRequest): IsolationForest {
    return fitIsolationForest(
      { data: req.data, rows: req.rows, dims: req.dims },
      { trees: req.trees, sampleSize: req.sampleSize, seed: req.seed, features: this.features },
    );
  }

  private assemble(arrays: ForestArrays, sampleSize: number, seed: number): IsolationForest {
    return new IsolationForest({ features: this.features, trees: this.o.trees, sampleSize, seed }, arrays);
  }

  /** Puts a new forest in place: one assignment, so a concurrent `score` sees the old or the new model, whole. */
  private swap(forest: IsolationForest, reason: RefitReason): void {
    this.forest?.release();
    this.forest = forest;
    this.modelVersion++;
    this.scoresSinceSwap = 0;
    this.scoreHead = 0;
    this.scoreSum = 0;
    if (reason !== 'drift') this.baseline = undefined;
  }
}

/** Creates and restores streaming isolation forests. */
export const streamingIsolationForestFactory: DetectorFactory<
  StreamingIsolationForestOptions,
  StreamingIsolationForest
> = {
  kind: 'streaming-isolation-forest',
  create: (options) => new StreamingIsolationForest(options),
  fromJSON: (json) => StreamingIsolationForest.fromJSON(json),
};
