import { randomBytes } from 'node:crypto';
import { Subject, type Subscription } from 'rxjs';
import type { Calibrator } from '../../detectors/calibration.ts';
import type { Detector } from '../../detectors/detector.ts';
import { OrderBook } from '../../features/book/orderBook.ts';
import type { Feature } from '../../features/feature.ts';
import { PolicyBook } from '../../policy/policyBook.ts';
import type { PolicyConfig } from '../../schemas/config.ts';
import type { KeyKind } from '../../schemas/feature.ts';
import { applyPolicy, type PolicyControl } from '../applyPolicy.ts';
import { computeFeatures, type KeyState } from '../computeFeatures.ts';
import { decode, newDecodeStats, type DeadLetterWriter } from '../decode.ts';
import { deliver, type Outputs } from '../deliver.ts';
import { emitEach } from '../emitEach.ts';
import type { Decision, EventEnvelope, FeatureFrame, RawMessage, ScoredFrame } from '../envelope.ts';
import type { InputFormat } from '../formats/format.ts';
import { keyBy } from '../keyBy.ts';
import { detectorModelId, scoreDetectors, type DetectorSlot } from '../scoreDetectors.ts';
import {
  manifestKey,
  manifestSlot,
  slotKey,
  zeroCounts,
  type KeyPlace,
  type Manifest,
  type PartitionCounts,
  type PartitionSnapshot,
} from './changelog.ts';
import type { StageTimes } from './stageTimes.ts';

/** What every task of an instance shares: the stages' definitions and the outputs. */
export interface TaskContext {
  readonly format: InputFormat;
  readonly features: readonly Feature[];
  /**
   * The first-stage features of each task, when they hold state shared across keys
   * (`venue_premium`'s board of venues' prices): a fresh set per task, so that what a task decides
   * still depends on its partition's messages only. Default: `features`, shared by every task.
   */
  readonly taskFeatures?: () => readonly Feature[];
  readonly detectors: readonly DetectorSlot[];
  readonly policy: PolicyConfig;
  /** `issuedAt` of commands. */
  readonly clock: (s: ScoredFrame) => number;
  readonly deadLetters: DeadLetterWriter;
  readonly outputs: Outputs;
  /** Sees every feature frame (the feature-topic sampler of the cross-asset stage). */
  readonly onFrame?: (f: FeatureFrame) => void;
  /** Per-stage processing time, shared by the instance's tasks. */
  readonly stages?: StageTimes;
  /** Stamps dead letters. */
  readonly now?: () => number;
}

/** One changelog write: the records of the keys that changed, then the manifest. */
export interface Checkpoint {
  readonly partition: number;
  readonly manifest: Manifest;
  readonly records: { key: string; value: string }[];
  readonly manifestRecord: { key: string; value: string };
}

/** Key of the policy book's record and of the models shared by every key of a kind. */
const POLICY = '__policy';
const SHARED = '__shared';
/** Field of the `SHARED` record holding the cross-key state of features, by feature name. */
const SHARED_FEATURES = '__features';

interface KeyRecord {
  f?: { names: string[]; book: unknown; states: unknown[] };
  d?: Record<string, unknown>;
  c?: Record<string, unknown>;
}

/**
 * The unit of processing and state of one input partition (a Kafka Streams "task"): its own
 * pipeline (decode → key → features → detectors → policy → sinks) whose per-key state the task
 * owns, so that it can be checkpointed to the changelog and restored by whichever instance the
 * partition moves to. Everything a task decides depends only on its partition's messages, so the
 * commands are the same whichever instance runs it and however often it is restored.
 */
export class PartitionTask {
  /** First input offset not yet in the state: earlier messages are skipped after a restore. */
  nextOffset: number;
  readonly counts: PartitionCounts;
  /**
   * Stamped on every record and manifest entry this task writes. Two tasks that restored the same
   * checkpoint (the partition's previous owner still writing, its next owner) number their next
   * checkpoints alike and write them to the same slots: the writer tells their records apart, so
   * a manifest of one is never read with records of the other (`snapshotOf`).
   */
  readonly writer = randomBytes(6).toString('hex');
  private epoch: number;
  private where: Map<string, KeyPlace>;
  private readonly features = new Map<string, KeyState>();
  /** This task's feature definitions (`ctx.taskFeatures()`, or the shared `ctx.features`). */
  private readonly featureSet: readonly Feature[];
  private readonly models = new Map<string, Detector>();
  private readonly calibrators = new Map<string, Calibrator>();
  private book: PolicyBook;
  private readonly kinds = new Map<string, KeyKind>();
  private readonly dirty = new Set<string>();
  private changed = false;
  private checkpointed: number;
  private readonly input = new Subject<RawMessage>();
  private readonly controls = new Subject<PolicyControl>();
  private readonly subscription: Subscription;
  private failure: unknown;
  private readonly decodeStats: ReturnType<typeof newDecodeStats>;
  private readonly skippedBase: number;
  /** Wall-clock times (ms) of the message being processed, read by the command sink's headers. */
  readonly current = { producedAt: 0, receivedAt: 0 };

  constructor(
    readonly partition: number,
    private readonly ctx: TaskContext,
    snapshot?: PartitionSnapshot,
  ) {
    this.featureSet = ctx.taskFeatures?.() ?? ctx.features;
    const m = snapshot?.manifest;
    this.nextOffset = m ? m.offset + 1 : 0;
    this.checkpointed = m ? m.offset : -1;
    this.counts = m ? { ...zeroCounts(), ...m.counts } : zeroCounts();
    this.epoch = m?.epoch ?? 0;
    this.where = new Map(Object.entries(m?.keys ?? {}));
    this.book = new PolicyBook(ctx.policy);
    if (snapshot) this.restore(snapshot.states);
    this.decodeStats = newDecodeStats();
    this.skippedBase = this.counts.skipped;
    const st = ctx.stages;
    const c = this.counts;
    this.subscription = this.input
      .pipe(
        decode(
          ctx.format,
          (d) => {
            c.deadLetters++;
            ctx.deadLetters(d);
          },
          this.decodeStats,
          ctx.now,
        ),
        emitEach((e: EventEnvelope, emit: (x: EventEnvelope) => void) => {
          c.events++;
          st?.mark('decode', 0);
          emit(e);
        }),
        keyBy(),
        computeFeatures(this.featureSet, this.features),
        emitEach((f: FeatureFrame, emit: (x: FeatureFrame) => void) => {
          st?.mark('features', 1);
          this.dirty.add(f.subject.key);
          if (!this.kinds.has(f.subject.key)) this.kinds.set(f.subject.key, f.subject.keyKind);
          ctx.onFrame?.(f);
          emit(f);
        }),
        scoreDetectors(ctx.detectors, { models: this.models, calibrators: this.calibrators }),
        emitEach((s: ScoredFrame, emit: (x: ScoredFrame) => void) => {
          st?.mark('detectors', 2);
          emit(s);
        }),
        applyPolicy(ctx.policy, { clock: ctx.clock, initialBook: this.book, controls: this.controls }),
        emitEach((d: Decision, emit: (x: Decision) => void) => {
          st?.mark('policy', 3);
          this.changed = true;
          c.alerts += d.alerts.length;
          c.commands += d.commands.length;
          emit(d);
        }),
        deliver(ctx.outputs),
      )
      .subscribe({
        error: (err: unknown) => {
          this.failure = err;
        },
      });
  }

  /** Runs one input message through the task's pipeline, synchronously. */
  process(raw: RawMessage, offset: number, producedAt: number): void {
    if (this.failure !== undefined) throw this.failure;
    this.current.producedAt = producedAt;
    this.current.receivedAt = performance.timeOrigin + performance.now();
    this.ctx.stages?.start();
    this.counts.messages++;
    this.input.next(raw);
    this.ctx.stages?.end();
    this.counts.skipped = this.skippedBase + this.decodeStats.skipped;
    this.nextOffset = offset + 1;
    if (this.failure !== undefined) throw this.failure;
  }

  /**
   * Runs a control message of the input (a person's override, pipelines/controlMessages.ts)
   * through the task's policy, synchronously, at its place in the partition: its commands are
   * delivered like the policy's own, and the override is held in the policy book, checkpointed
   * and replayed with the events.
   */
  control(c: PolicyControl, offset: number, producedAt: number): void {
    if (this.failure !== undefined) throw this.failure;
    this.current.producedAt = producedAt;
    this.current.receivedAt = performance.timeOrigin + performance.now();
    this.counts.messages++;
    this.counts.controls++;
    this.ctx.stages?.start();
    this.controls.next(c);
    this.ctx.stages?.end();
    this.nextOffset = offset + 1;
    if (this.failure !== undefined) throw this.failure;
  }

  /**
   * The records of a checkpoint of the state as it is now (the keys changed since the last one),
   * serialised synchronously, so that it is consistent whatever runs next; undefined when nothing
   * was processed since. Call `confirm` once Kafka holds them all, and take no other snapshot
   * before: each builds on the last confirmed one.
   */
  snapshot(): Checkpoint | undefined {
    if (this.nextOffset - 1 === this.checkpointed) return undefined;
    const epoch = this.epoch + 1;
    const where = new Map(this.where);
    const records: Checkpoint['records'] = [];
    const writer = this.writer;
    const put = (key: string, state: unknown) => {
      const slot = where.has(key) ? 1 - where.get(key)![1] : 0;
      where.set(key, [epoch, slot, writer]);
      records.push({
        key: slotKey(this.partition, slot, key),
        value: JSON.stringify({ epoch, writer, state }),
      });
    };
    for (const key of this.dirty) put(key, this.keyRecord(key));
    // What changes from here on goes into the next checkpoint; this one is taken.
    this.dirty.clear();
    const changed = this.changed;
    this.changed = false;
    if (changed || !where.has(POLICY)) {
      put(POLICY, this.book.toJSON());
      const shared: Record<string, unknown> = {};
      for (const slot of this.ctx.detectors) {
        const d = slot.perKey ? undefined : this.models.get(detectorModelId(slot, ''));
        if (d) shared[slot.name] = d.toJSON();
      }
      // State features share across keys (venue_premium's board of venues' prices, the address
      // features' AmlContext), once per shared object, under the name of its first feature.
      const fs: Record<string, unknown> = {};
      const seen = new Set<unknown>();
      for (const f of this.featureSet)
        if (f.shared?.toJSON && !seen.has(f.shared)) {
          seen.add(f.shared);
          fs[f.name] = f.shared.toJSON();
        }
      if (Object.keys(fs).length > 0) shared[SHARED_FEATURES] = fs;
      if (Object.keys(shared).length > 0) put(SHARED, shared);
    }
    const manifest: Manifest = {
      v: 2,
      partition: this.partition,
      epoch,
      writer,
      offset: this.nextOffset - 1,
      counts: { ...this.counts },
      keys: Object.fromEntries(where),
    };
    return {
      partition: this.partition,
      manifest,
      records,
      manifestRecord: {
        key: manifestKey(this.partition, manifestSlot(epoch)),
        value: JSON.stringify(manifest),
      },
    };
  }

  /**
   * The checkpoint is in Kafka: it becomes the one the next checkpoint builds on. (A checkpoint
   * that failed is never confirmed: the task is dropped and restored from the last one.)
   */
  confirm(cp: Checkpoint): void {
    this.epoch = cp.manifest.epoch;
    this.checkpointed = cp.manifest.offset;
    this.where = new Map(Object.entries(cp.manifest.keys));
  }

  /** Last input offset of the last confirmed checkpoint (-1: none). */
  get checkpointedOffset(): number {
    return this.checkpointed;
  }

  /** Messages in the state that the last checkpoint does not hold. */
  get uncheckpointed(): number {
    return this.nextOffset - 1 - this.checkpointed;
  }

  /** Number of keys holding feature state. */
  get keyCount(): number {
    return this.features.size;
  }

  /** Ends the task's pipeline (its partition moved away or the instance stops). */
  close(): void {
    this.subscription.unsubscribe();
  }

  private keyRecord(key: string): KeyRecord {
    const rec: KeyRecord = {};
    const ks = this.features.get(key);
    const kind = this.kinds.get(key);
    if (ks && kind) {
      rec.f = {
        names: this.featuresOf(kind).map((f) => f.name),
        book: ks.book.toJSON(),
        states: ks.states.map((s) => s.toJSON()),
      };
    }
    for (const slot of this.ctx.detectors) {
      if (!slot.perKey) continue;
      const d = this.models.get(detectorModelId(slot, key));
      if (d) (rec.d ??= {})[slot.name] = d.toJSON();
      const c = this.calibrators.get(`${slot.name}|${key}`);
      if (c) (rec.c ??= {})[slot.name] = c.toJSON();
    }
    return rec;
  }

  private restore(states: Map<string, unknown>): void {
    for (const [key, state] of states) {
      if (key === POLICY) {
        this.book = PolicyBook.fromJSON(state as ReturnType<PolicyBook['toJSON']>, this.ctx.policy);
        continue;
      }
      if (key === SHARED) {
        const rec = state as Record<string, unknown>;
        for (const slot of this.ctx.detectors) {
          const json = rec[slot.name];
          if (!slot.perKey && json !== undefined && slot.restore)
            this.models.set(slot.name, slot.restore(json));
        }
        const fs = (rec[SHARED_FEATURES] ?? {}) as Record<string, unknown>;
        const restored = new Set<unknown>();
        for (const f of this.featureSet)
          if (f.shared && fs[f.name] !== undefined && !restored.has(f.shared)) {
            restored.add(f.shared);
            f.shared.restoreState?.(fs[f.name]);
          }
        continue;
      }
      const rec = state as KeyRecord;
      if (rec.f) {
        const { names, book, states: fstates } = rec.f;
        const kind = this.kindByNames(names);
        const fs = this.featuresOf(kind);
        this.kinds.set(key, kind);
        this.features.set(key, {
          book: OrderBook.fromJSON(book),
          // By name, so a release that adds or reorders features restores the ones it still has.
          states: fs.map((f) => {
            const i = names.indexOf(f.name);
            return i >= 0 ? f.restore(fstates[i]) : f.create();
          }),
        });
      }
      for (const slot of this.ctx.detectors) {
        const d = rec.d?.[slot.name];
        if (d !== undefined && slot.restore) this.models.set(detectorModelId(slot, key), slot.restore(d));
        const c = rec.c?.[slot.name];
        if (c !== undefined && slot.restoreCalibrator)
          this.calibrators.set(`${slot.name}|${key}`, slot.restoreCalibrator(c));
      }
    }
  }

  private readonly byKind = new Map<KeyKind, readonly Feature[]>();
  private featuresOf(kind: KeyKind): readonly Feature[] {
    let fs = this.byKind.get(kind);
    if (!fs) this.byKind.set(kind, (fs = this.featureSet.filter((f) => f.keyKind === kind)));
    return fs;
  }

  private kindByNames(names: readonly string[]): KeyKind {
    return this.featureSet.find((f) => names.includes(f.name))?.keyKind ?? 'venue-symbol';
  }
}
