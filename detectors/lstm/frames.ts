import { concat, lastValueFrom, defaultIfEmpty } from 'rxjs';
import type { Feature } from '../../features/feature.ts';
import { computeFeatures } from '../../pipelines/computeFeatures.ts';
import { decode } from '../../pipelines/decode.ts';
import { emitEach } from '../../pipelines/emitEach.ts';
import type { FeatureFrame, RawMessage } from '../../pipelines/envelope.ts';
import { formatFor } from '../../pipelines/formats/index.ts';
import { keyBy } from '../../pipelines/keyBy.ts';
import { fileLines } from '../../pipelines/sources/fileLines.ts';
import type { KeyKind } from '../../schemas/feature.ts';

/** One key's feature vectors in arrival order, row-major (rows × names.length), NaN while warming up. */
export interface KeySequence {
  rows: number;
  data: Float32Array;
}

/** Feature frames of recorded data, grouped by key. */
export interface FrameSet {
  readonly names: readonly string[];
  /** Keys in order of first appearance. */
  readonly keys: Map<string, KeySequence>;
  /** Frames kept (after the stride). */
  frames: number;
}

export interface CollectOptions {
  readonly files: readonly string[];
  readonly format: string;
  readonly venue?: string | undefined;
  readonly features: readonly Feature[];
  readonly keyKind: KeyKind;
  /** Keep every stride-th frame of each key. */
  readonly stride: number;
  readonly progress?: ((frames: number) => void) | undefined;
}

/**
 * Runs files through the pipeline's own first stages (decode, keyBy, computeFeatures), so training
 * sees exactly the vectors the detector will see live, and keeps each key's frames.
 */
export async function collectFrames(o: CollectOptions): Promise<FrameSet> {
  const names = o.features.filter((f) => f.keyKind === o.keyKind).map((f) => f.name);
  const set: FrameSet = { names, keys: new Map(), frames: 0 };
  const seen = new Map<string, number>();
  const d = names.length;
  const tagged = o.files.map((file) => {
    const format = formatFor(o.format, file, o.venue);
    return fileLines(file).pipe(
      emitEach((raw: RawMessage, emit: (r: RawMessage & { format: typeof format }) => void) =>
        emit({ ...raw, format }),
      ),
    );
  });
  const router = {
    name: o.format,
    parse: (raw: RawMessage) =>
      (raw as RawMessage & { format: ReturnType<typeof formatFor> }).format.parse(raw),
  };
  const run$ = concat(...tagged).pipe(
    decode(
      router,
      () => {},
      undefined,
      () => 0,
    ),
    keyBy(),
    computeFeatures(o.features),
    emitEach((frame: FeatureFrame, emit: (n: number) => void) => {
      if (frame.subject.keyKind !== o.keyKind) return;
      const k = frame.subject.key;
      const n = (seen.get(k) ?? 0) + 1;
      seen.set(k, n);
      if (n % o.stride !== 0) return;
      let seq = set.keys.get(k);
      if (!seq) set.keys.set(k, (seq = { rows: 0, data: new Float32Array(1024 * d) }));
      if ((seq.rows + 1) * d > seq.data.length) {
        const bigger = new Float32Array(seq.data.length * 2);
        bigger.set(seq.data);
        seq.data = bigger;
      }
      // The frame's names follow the feature list's order for its kind, as `names` does.
      seq.data.set(frame.values, seq.rows * d);
      seq.rows++;
      set.frames++;
      if (o.progress && (set.frames & 65535) === 0) o.progress(set.frames);
      emit(set.frames);
    }),
    defaultIfEmpty(0),
  );
  await lastValueFrom(run$);
  return set;
}
