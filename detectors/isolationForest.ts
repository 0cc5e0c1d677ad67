/**
 * Isolation forest (Liu, Ting & Zhou, ICDM 2008), built to match scikit-learn's `IsolationForest`
 * in quality and to beat it in speed.
 *
 * - Each tree is grown on its own subsample (default 256 rows, drawn without replacement) up to
 *   depth ceil(log2(sampleSize)). A node splits on a feature drawn uniformly among the features
 *   that are not constant on the node's rows (constant features are found lazily and inherited by
 *   the children, as scikit-learn's random splitter does), at a threshold drawn uniformly in
 *   [min, max); rows with `x <= threshold` go left.
 * - A feature is constant when its max equals its min. scikit-learn uses an absolute tolerance of
 *   1e-7 (a float32 artefact) that would make tiny-scale features, such as prices of micro-priced
 *   tokens, unsplittable; flowguard keeps them.
 * - Path length = edges from the root + c(leaf size), c being scikit-learn's `_average_path_length`
 *   (c(1) = 0, c(2) = 1, else 2(ln(n-1) + γ) - 2(n-1)/n); score = 2^(-E(h) / c(sampleSize)).
 *   Higher is more anomalous; scores are in (0, 1].
 * - Missing values (NaN, and ±Infinity in training data) go to the child that received more training
 *   rows, which is also where scikit-learn sends a NaN at a node that saw none in training. A
 *   missing value therefore never shortens a path: missingness alone raises no alert.
 * - Trees live flat in forest-wide typed arrays; a leaf stores its whole path value (depth +
 *   c(size)) so scoring a row is one allocation-free loop of comparisons and one sum. `score` and
 *   `scoreMany` run that walk in a WebAssembly kernel compiled from the arrays on first use
 *   (isolationForestKernel.ts, ~6x faster); rows with a NaN (the kernel reports whether a batch
 *   had one) take the JavaScript walk, which knows where missing values go. Both give
 *   bit-identical scores.
 * - Fitting reads only the sampled rows of the input (Floyd's sampling, no permutation of the
 *   data set); the data set is never copied.
 */
import { createRng, type Rng } from '../core/rng.ts';
import { ConfigError, DataError } from '../core/errors.ts';
import type { Detector, DetectorFactory } from './detector.ts';
import { compileForestKernel, type ForestKernel } from './isolationForestKernel.ts';

/** Euler–Mascheroni constant, as numpy's `np.euler_gamma`. */
const EULER_GAMMA = 0.5772156649015329;

/** Rows the forest is fitted on: a row-major matrix, or one array per row. */
export type TrainingData =
  { data: ArrayLike<number>; rows: number; dims: number } | readonly ArrayLike<number>[];

/** Hyper-parameters of a forest. */
export interface IsolationForestOptions {
  /** Number of trees. */
  trees?: number;
  /** Rows per tree; capped at the number of training rows. */
  sampleSize?: number;
  /** Seed of the pseudo-random generator: the same seed and data give the same forest. */
  seed?: number;
  /** Feature names in column order; default `f0..f{dims-1}`. */
  features?: readonly string[];
}

/** The flat arrays of a fitted forest (node i of the forest-wide buffer at index i). */
export interface ForestArrays {
  /** First node of each tree. */
  roots: Int32Array;
  /** Split feature, -1 at a leaf. */
  feature: Int32Array;
  /** Split threshold (`x <= threshold` goes left); 0 at a leaf. */
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  /** Training rows that reached the node. */
  size: Int32Array;
  /** 1 when missing values go left at this node. */
  missingLeft: Uint8Array;
}

/** Plain-JSON snapshot of a forest. */
export interface IsolationForestJson {
  kind: 'isolation-forest';
  version: 1;
  features: string[];
  trees: number;
  sampleSize: number;
  seed: number;
  roots: number[];
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  size: number[];
  missingLeft: number[];
}

/** Average path length of an unsuccessful search in a binary search tree of n keys (scikit-learn's formula). */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + EULER_GAMMA) - (2 * (n - 1)) / n;
}

function checkInteger(field: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new ConfigError(`${field} must be an integer >= ${min}, got ${value}.`);
  }
  return value;
}

/** A fitted isolation forest; a batch model, so `learn` is a no-op (see StreamingIsolationForest). */
export class IsolationForest implements Detector {
  readonly name = 'isolation-forest';
  readonly features: readonly string[];
  /** Number of trees. */
  readonly trees: number;
  /** Rows each tree was grown on (the requested size capped at the training rows). */
  readonly sampleSize: number;
  readonly seed: number;
  private readonly arrays: ForestArrays;
  /** Per node: depth + c(size) at a leaf, unused elsewhere. */
  private readonly leafValue: Float64Array;
  /**
   * score = 2^(-sum / (trees · c(sampleSize))), computed as exp(sum · scale) with
   * scale = -ln 2 / (trees · c(sampleSize)): Math.exp costs a quarter of Math.pow.
   */
  private readonly scale: number;
  /** WebAssembly scorer, compiled on first use; null where it does not apply. */
  private kernel: ForestKernel | null | undefined;

  /** Assembles a forest from its arrays; use `fitIsolationForest` or `isolationForestFromJSON`. */
  constructor(
    meta: { features: readonly string[]; trees: number; sampleSize: number; seed: number },
    arrays: ForestArrays,
  ) {
    this.features = Object.freeze([...meta.features]);
    this.trees = meta.trees;
    this.sampleSize = meta.sampleSize;
    this.seed = meta.seed;
    this.arrays = arrays;
    this.leafValue = computeLeafValues(arrays);
    const c = averagePathLength(this.sampleSize);
    // scikit-learn scores 1 when the denominator is 0 (one sample per tree); a zero scale gives 2^0.
    this.scale = c === 0 ? 0 : -Math.LN2 / (this.trees * c);
  }

  /** The forest's flat arrays (shared, not copied: do not modify). */
  get forestArrays(): ForestArrays {
    return this.arrays;
  }

  /** Anomaly score of one row in (0, 1]; higher is more anomalous. */
  score(x: ArrayLike<number>): number {
    this.checkRow(x);
    const kernel = this.kernel === undefined ? this.compile() : this.kernel;
    const sum = kernel && !hasMissing(x, 0, x.length) ? kernel.rowSum(x) : undefined;
    return Math.exp((sum ?? this.pathSum(x, 0)) * this.scale);
  }

  /** Summed path length over all trees of the row at `x[base..]`, walking the pointer layout. */
  private pathSum(x: ArrayLike<number>, base: number): number {
    const { roots, feature, threshold, left, right, missingLeft } = this.arrays;
    const leafValue = this.leafValue;
    let total = 0;
    for (let t = 0; t < roots.length; t++) {
      let n = roots[t]!;
      let f = feature[n]!;
      while (f >= 0) {
        const v = x[base + f]!;
        const thr = threshold[n]!;
        n = v <= thr ? left[n]! : v > thr ? right[n]! : missingLeft[n] ? left[n]! : right[n]!;
        f = feature[n]!;
      }
      total += leafValue[n]!;
    }
    return total;
  }

  private compile(): ForestKernel | null {
    this.kernel = compileForestKernel(this.arrays, this.leafValue, this.features.length) ?? null;
    return this.kernel;
  }

  /**
   * Scores `rows` rows of the row-major matrix `data` (width `features.length`) into `out` and
   * returns `out`. Uses the compiled kernel (see isolationForestKernel.ts); rows with a NaN, or
   * forests the kernel cannot take, go through the pointer walk. Both give identical scores.
   */
  scoreMany(data: Float64Array, rows: number, out: Float64Array = new Float64Array(rows)): Float64Array {
    const dims = this.features.length;
    if (data.length < rows * dims) {
      throw new DataError(
        `scoreMany: ${rows} rows of ${dims} features need ${rows * dims} values, got ${data.length}.`,
      );
    }
    if (out.length < rows)
      throw new DataError(`scoreMany: out has room for ${out.length} scores, ${rows} needed.`);
    const kernel = this.kernel === undefined ? this.compile() : this.kernel;
    const scale = this.scale;
    if (!kernel) {
      for (let r = 0; r < rows; r++) out[r] = Math.exp(this.pathSum(data, r * dims) * scale);
      return out;
    }
    const missing = kernel.pathSums(data, 0, rows, out);
    for (let r = 0; r < rows; r++) out[r] = Math.exp(out[r]! * scale);
    // The kernel cannot follow missing values (it reports whether it saw one): rescore rows with
    // a NaN on the pointer walk.
    if (missing) {
      for (let r = 0, base = 0; r < rows; r++, base += dims) {
        if (hasMissing(data, base, base + dims)) out[r] = Math.exp(this.pathSum(data, base) * scale);
      }
    }
    return out;
  }

  /**
   * Lets a newer forest of the same shape take the shared scoring arena at once (see
   * isolationForestKernel.ts), e.g. when a refit replaces this one. Scoring keeps working.
   */
  release(): void {
    this.kernel?.release();
  }

  /** A fitted forest does not change; online learning is StreamingIsolationForest's job. */
  learn(_x: ArrayLike<number>): void {}

  /**
   * Per-feature contributions to `score(x)`; they sum to the score. In every tree, each split on
   * the row's path credits its feature with the information it contributed to isolating the row,
   * log2(rows at the node / rows in the child the row went to), weighted by 1 / (path length of
   * the row in that tree) so that trees which isolate the row early count more. A feature whose
   * value is missing is never credited (missing values follow the larger child).
   */
  explain(x: ArrayLike<number>): Float64Array {
    const score = this.score(x);
    const { roots, feature, threshold, left, right, size, missingLeft } = this.arrays;
    const dims = this.features.length;
    const credit = new Float64Array(dims);
    const path = new Float64Array(dims);
    for (let t = 0; t < roots.length; t++) {
      path.fill(0);
      let n = roots[t]!;
      let f = feature[n]!;
      while (f >= 0) {
        const v = x[f]!;
        const thr = threshold[n]!;
        const child = v <= thr ? left[n]! : v > thr ? right[n]! : missingLeft[n] ? left[n]! : right[n]!;
        if (v === v) path[f] = path[f]! + Math.log2(size[n]! / size[child]!);
        n = child;
        f = feature[n]!;
      }
      const h = this.leafValue[n]!;
      if (h > 0) for (let j = 0; j < dims; j++) credit[j] = credit[j]! + path[j]! / h;
    }
    let sum = 0;
    for (let j = 0; j < dims; j++) sum += credit[j]!;
    if (sum > 0) for (let j = 0; j < dims; j++) credit[j] = (credit[j]! / sum) * score;
    return credit;
  }

  /** Plain-JSON snapshot; `isolationForestFromJSON` restores a forest with identical scores. */
  toJSON(): IsolationForestJson {
    const a = this.arrays;
    return {
      kind: 'isolation-forest',
      version: 1,
      features: [...this.features],
      trees: this.trees,
      sampleSize: this.sampleSize,
      seed: this.seed,
      roots: Array.from(a.roots),
      feature: Array.from(a.feature),
      threshold: Array.from(a.threshold),
      left: Array.from(a.left),
      right: Array.from(a.right),
      size: Array.from(a.size),
      missingLeft: Array.from(a.missingLeft),
    };
  }

  private checkRow(x: ArrayLike<number>): void {
    if (x.length !== this.features.length) {
      throw new DataError(
        `${this.name}: expected ${this.features.length} features, got a row of ${x.length}.`,
      );
    }
  }
}

function hasMissing(x: ArrayLike<number>, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (x[i] !== x[i]) return true;
  return false;
}

/** depth + c(size) at each leaf. Children always follow their parent in the buffer, so one pass suffices. */
function computeLeafValues(a: ForestArrays): Float64Array {
  const nodes = a.feature.length;
  const depth = new Int32Array(nodes);
  const value = new Float64Array(nodes);
  for (let n = 0; n < nodes; n++) {
    if (a.feature[n]! >= 0) {
      depth[a.left[n]!] = depth[n]! + 1;
      depth[a.right[n]!] = depth[n]! + 1;
    } else {
      value[n] = depth[n]! + averagePathLength(a.size[n]!);
    }
  }
  return value;
}

/**
 * Draws k distinct row indices out of `population` (Floyd's algorithm: k draws whatever the
 * population). Membership is an open-addressing hash set in `table` (power-of-two size >= 2k,
 * holding index + 1, 0 for empty), reused across trees so that sampling allocates nothing.
 */
function sampleWithoutReplacement(
  rng: Rng,
  population: number,
  k: number,
  out: Int32Array,
  table: Int32Array,
): void {
  if (k === population) {
    for (let i = 0; i < k; i++) out[i] = i;
    return;
  }
  table.fill(0);
  const mask = table.length - 1;
  const shift = 32 - Math.log2(table.length);
  let i = 0;
  for (let j = population - k; j < population; j++) {
    const t = rng.int(j + 1);
    // Insert t; if it is already there, insert j instead (j was never drawn before: j > every earlier bound).
    let slot = Math.imul(t, 0x9e3779b1) >>> shift;
    while (table[slot] !== 0 && table[slot] !== t + 1) slot = (slot + 1) & mask;
    let pick = t;
    if (table[slot] === t + 1) {
      pick = j;
      slot = Math.imul(j, 0x9e3779b1) >>> shift;
      while (table[slot] !== 0) slot = (slot + 1) & mask;
    }
    table[slot] = pick + 1;
    out[i++] = pick;
  }
}

interface Shape {
  rows: number;
  dims: number;
  /** Copies row `r` into `dst` at `offset`. */
  copyRow(r: number, dst: Float64Array, offset: number): void;
}

function shapeOf(input: TrainingData): Shape {
  if (Array.isArray(input)) {
    const rowsArr = input as readonly ArrayLike<number>[];
    const dims = rowsArr[0]?.length ?? 0;
    rowsArr.forEach((row, i) => {
      if (row.length !== dims)
        throw new DataError(`training row ${i} has ${row.length} values, row 0 has ${dims}.`);
    });
    return {
      rows: rowsArr.length,
      dims,
      copyRow: (r, dst, offset) => {
        const row = rowsArr[r]!;
        for (let j = 0; j < dims; j++) dst[offset + j] = row[j]!;
      },
    };
  }
  const { data, rows, dims } = input as { data: ArrayLike<number>; rows: number; dims: number };
  checkInteger('rows', rows, 0);
  checkInteger('dims', dims, 0);
  if (data.length < rows * dims) {
    throw new DataError(
      `training data: ${rows} rows of ${dims} features need ${rows * dims} values, got ${data.length}.`,
    );
  }
  return {
    rows,
    dims,
    copyRow: (r, dst, offset) => {
      for (let j = 0, base = r * dims; j < dims; j++) dst[offset + j] = data[base + j]!;
    },
  };
}

/**
 * Grows the trees of one forest. Node arrays are sized for the worst case (2k - 1 nodes per
 * tree) and trimmed at the end; `idx` holds the local rows of the subsample, partitioned in place.
 */
class ForestBuilder {
  private readonly feature: Int32Array;
  private readonly threshold: Float64Array;
  private readonly left: Int32Array;
  private readonly right: Int32Array;
  private readonly size: Int32Array;
  private readonly missingLeft: Uint8Array;
  private nodes = 0;
  /** Feature order; positions [0, nConstant) hold features known constant on the current node. */
  private readonly feats: Int32Array;
  private readonly idx: Int32Array;

  constructor(
    private readonly rng: Rng,
    private readonly sample: Float64Array,
    private readonly dims: number,
    private readonly k: number,
    private readonly maxDepth: number,
    trees: number,
  ) {
    const capacity = trees * Math.max(1, 2 * k - 1);
    this.feature = new Int32Array(capacity);
    this.threshold = new Float64Array(capacity);
    this.left = new Int32Array(capacity);
    this.right = new Int32Array(capacity);
    this.size = new Int32Array(capacity);
    this.missingLeft = new Uint8Array(capacity);
    this.feats = new Int32Array(dims);
    this.idx = new Int32Array(k);
  }

  /** Grows one tree on the current contents of `sample`; returns its root. */
  growTree(): number {
    for (let i = 0; i < this.k; i++) this.idx[i] = i;
    for (let j = 0; j < this.dims; j++) this.feats[j] = j;
    return this.grow(0, this.k, 0, 0);
  }

  finish(roots: Int32Array): ForestArrays {
    const n = this.nodes;
    return {
      roots,
      feature: this.feature.slice(0, n),
      threshold: this.threshold.slice(0, n),
      left: this.left.slice(0, n),
      right: this.right.slice(0, n),
      size: this.size.slice(0, n),
      missingLeft: this.missingLeft.slice(0, n),
    };
  }

  private grow(start: number, end: number, depth: number, nConstant: number): number {
    const node = this.nodes++;
    const count = end - start;
    this.size[node] = count;
    this.feature[node] = -1;
    if (depth >= this.maxDepth || count <= 1) return node;

    const { sample, dims, idx, feats, rng } = this;
    // Draw features uniformly among those not known constant; a drawn feature found constant here
    // joins the known-constant prefix (inherited by the children) and another is drawn.
    let nKnown = nConstant;
    let chosen = -1;
    let lo = 0;
    let hi = 0;
    let nMissing = 0;
    while (nKnown < dims) {
      const pos = nKnown + rng.int(dims - nKnown);
      const f = feats[pos]!;
      lo = Infinity;
      hi = -Infinity;
      nMissing = 0;
      for (let i = start; i < end; i++) {
        const v = sample[idx[i]! * dims + f]!;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
        if (!(v - v === 0)) nMissing++; // NaN or ±Infinity: missing in training
      }
      if (nMissing > 0) {
        lo = Infinity;
        hi = -Infinity;
        for (let i = start; i < end; i++) {
          const v = sample[idx[i]! * dims + f]!;
          if (v - v === 0) {
            if (v < lo) lo = v;
            if (v > hi) hi = v;
          }
        }
      }
      if (hi > lo) {
        chosen = f;
        break;
      }
      feats[pos] = feats[nKnown]!;
      feats[nKnown] = f;
      nKnown++;
    }
    if (chosen < 0) return node; // every feature is constant on these rows

    let thr = lo + rng.next() * (hi - lo);
    if (!(thr < hi)) thr = lo; // rounding (or overflow of hi - lo) must not empty the right side

    // Missing values (in training here, in scoring later) join the side that receives more of the
    // other rows; ties go right, as in scikit-learn.
    let missLeft = false;
    if (nMissing > 0) {
      let nLeft = 0;
      for (let i = start; i < end; i++) if (sample[idx[i]! * dims + chosen]! <= thr) nLeft++;
      missLeft = nLeft > count - nMissing - nLeft;
    }
    let mid = start;
    for (let i = start; i < end; i++) {
      const r = idx[i]!;
      const v = sample[r * dims + chosen]!;
      if (v - v === 0 ? v <= thr : missLeft) {
        idx[i] = idx[mid]!;
        idx[mid++] = r;
      }
    }
    if (nMissing === 0) missLeft = mid - start > end - mid;

    this.feature[node] = chosen;
    this.threshold[node] = thr;
    this.missingLeft[node] = missLeft ? 1 : 0;
    this.left[node] = this.grow(start, mid, depth + 1, nKnown);
    this.right[node] = this.grow(mid, end, depth + 1, nKnown);
    return node;
  }
}

/** Fits a forest on `input`; only the sampled rows are read. */
export function fitIsolationForest(
  input: TrainingData,
  options: IsolationForestOptions = {},
): IsolationForest {
  const { trees = 100, sampleSize = 256, seed = 0 } = options;
  checkInteger('trees', trees, 1);
  checkInteger('sampleSize', sampleSize, 1);
  if (!Number.isFinite(seed)) throw new ConfigError(`seed must be a finite number, got ${seed}.`);
  const shape = shapeOf(input);
  if (shape.rows < 1) throw new DataError('cannot fit an isolation forest on zero rows.');
  if (shape.dims < 1) throw new DataError('cannot fit an isolation forest on rows with no features.');
  const features = options.features ?? Array.from({ length: shape.dims }, (_, j) => `f${j}`);
  if (features.length !== shape.dims) {
    throw new ConfigError(`features names ${features.length} columns, the data has ${shape.dims}.`);
  }

  const k = Math.min(sampleSize, shape.rows);
  const maxDepth = Math.ceil(Math.log2(Math.max(k, 2)));
  const rng = createRng(seed);
  const sample = new Float64Array(k * shape.dims);
  const picked = new Int32Array(k);
  const table = new Int32Array(2 ** Math.ceil(Math.log2(2 * k + 1)));
  const builder = new ForestBuilder(rng, sample, shape.dims, k, maxDepth, trees);
  const roots = new Int32Array(trees);
  for (let t = 0; t < trees; t++) {
    sampleWithoutReplacement(rng, shape.rows, k, picked, table);
    for (let i = 0; i < k; i++) shape.copyRow(picked[i]!, sample, i * shape.dims);
    roots[t] = builder.growTree();
  }
  return new IsolationForest({ features, trees, sampleSize: k, seed }, builder.finish(roots));
}

function intArray(json: Record<string, unknown>, field: string): number[] {
  const v = json[field];
  if (!Array.isArray(v) || !v.every((e) => Number.isInteger(e))) {
    throw new DataError(`isolation-forest model: '${field}' must be an array of integers.`);
  }
  return v as number[];
}

/** Restores a forest from `toJSON()` output; the scores are identical to the original's. */
export function isolationForestFromJSON(json: unknown): IsolationForest {
  if (typeof json !== 'object' || json === null || (json as { kind?: unknown }).kind !== 'isolation-forest') {
    throw new DataError("not an isolation-forest model (expected kind 'isolation-forest').");
  }
  const j = json as Record<string, unknown>;
  if (j.version !== 1)
    throw new DataError(`isolation-forest model version ${String(j.version)} is not supported (expected 1).`);
  const features = j.features;
  if (!Array.isArray(features) || !features.every((f) => typeof f === 'string')) {
    throw new DataError("isolation-forest model: 'features' must be an array of strings.");
  }
  const thresholds = j.threshold;
  if (!Array.isArray(thresholds) || !thresholds.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new DataError("isolation-forest model: 'threshold' must be an array of finite numbers.");
  }
  const arrays: ForestArrays = {
    roots: Int32Array.from(intArray(j, 'roots')),
    feature: Int32Array.from(intArray(j, 'feature')),
    threshold: Float64Array.from(thresholds as number[]),
    left: Int32Array.from(intArray(j, 'left')),
    right: Int32Array.from(intArray(j, 'right')),
    size: Int32Array.from(intArray(j, 'size')),
    missingLeft: Uint8Array.from(intArray(j, 'missingLeft')),
  };
  checkArrays(arrays, features.length);
  const trees = checkInteger('trees', Number(j.trees), 1);
  if (trees !== arrays.roots.length)
    throw new DataError(`isolation-forest model: ${trees} trees but ${arrays.roots.length} roots.`);
  return new IsolationForest(
    {
      features: features as string[],
      trees,
      sampleSize: checkInteger('sampleSize', Number(j.sampleSize), 1),
      seed: Number(j.seed),
    },
    arrays,
  );
}

/** Structural checks that keep a corrupt model from looping or reading out of bounds while scoring. */
export function checkArrays(a: ForestArrays, dims: number): void {
  const nodes = a.feature.length;
  for (const [name, arr] of Object.entries(a)) {
    if (name !== 'roots' && (arr as ArrayLike<number>).length !== nodes) {
      throw new DataError(
        `isolation-forest model: '${name}' has ${(arr as ArrayLike<number>).length} entries, 'feature' has ${nodes}.`,
      );
    }
  }
  for (const r of a.roots)
    if (r < 0 || r >= nodes) throw new DataError(`isolation-forest model: root ${r} out of range.`);
  for (let n = 0; n < nodes; n++) {
    const f = a.feature[n]!;
    if (f >= dims)
      throw new DataError(`isolation-forest model: node ${n} splits on feature ${f} of ${dims}.`);
    // Children strictly after their parent rule out cycles.
    if (f >= 0 && !(a.left[n]! > n && a.left[n]! < nodes && a.right[n]! > n && a.right[n]! < nodes)) {
      throw new DataError(`isolation-forest model: node ${n} has children out of order.`);
    }
    if (a.size[n]! < 0) throw new DataError(`isolation-forest model: node ${n} has a negative size.`);
  }
}

/** Parameters of `isolationForestFactory.create`: the training data and the hyper-parameters. */
export interface IsolationForestFitParams extends IsolationForestOptions {
  data: TrainingData;
}

/** Creates (fits) and restores isolation forests. */
export const isolationForestFactory: DetectorFactory<IsolationForestFitParams, IsolationForest> = {
  kind: 'isolation-forest',
  create: ({ data, ...options }) => fitIsolationForest(data, options),
  fromJSON: isolationForestFromJSON,
};
