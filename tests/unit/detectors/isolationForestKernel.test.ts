import { describe, expect, it } from 'vitest';
import { createRng } from '../../../core/rng.ts';
import {
  averagePathLength,
  fitIsolationForest,
  type ForestArrays,
} from '../../../detectors/isolationForest.ts';
import { compileForestKernel, type ForestKernel } from '../../../detectors/isolationForestKernel.ts';

/** Row-major standard normal rows. */
function gaussian(rows: number, dims: number, seed: number): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: rows * dims }, () => rng.normal());
}

/** Per node: depth + c(size) at a leaf, as the forest computes it. */
function leafValues(a: ForestArrays): Float64Array {
  const depth = new Int32Array(a.feature.length);
  const value = new Float64Array(a.feature.length);
  for (let n = 0; n < a.feature.length; n++) {
    if (a.feature[n]! >= 0) depth[a.left[n]!] = depth[a.right[n]!] = depth[n]! + 1;
    else value[n] = depth[n]! + averagePathLength(a.size[n]!);
  }
  return value;
}

/** The JavaScript pointer walk, summing in tree order as the kernel must (so: bit-identical). */
function jsSum(a: ForestArrays, leaf: Float64Array, x: ArrayLike<number>): number {
  let total = 0;
  for (const root of a.roots) {
    let n = root;
    while (a.feature[n]! >= 0) n = x[a.feature[n]!]! <= a.threshold[n]! ? a.left[n]! : a.right[n]!;
    total += leaf[n]!;
  }
  return total;
}

function setup(rows: number, dims: number, seed: number, trees = 30) {
  const data = gaussian(rows, dims, seed);
  const forest = fitIsolationForest({ data, rows, dims }, { trees, sampleSize: 128, seed });
  const arrays = forest.forestArrays;
  const leaf = leafValues(arrays);
  const kernel = compileForestKernel(arrays, leaf, dims);
  if (!kernel) throw new Error('kernel did not compile');
  return { data, arrays, leaf, kernel };
}

function expectExact(
  k: ForestKernel,
  a: ForestArrays,
  leaf: Float64Array,
  data: Float64Array,
  rows: number,
  dims: number,
) {
  const out = new Float64Array(rows);
  const missing = k.pathSums(data, 0, rows, out);
  for (let r = 0; r < rows; r++) expect(out[r]).toBe(jsSum(a, leaf, data.subarray(r * dims, (r + 1) * dims)));
  return missing;
}

describe('isolationForestKernel', () => {
  // 1 and 3 features: odd value counts; 36: rows blocks of 56, several blocks and a remainder.
  it.each([
    [1, 301],
    [3, 1501],
    [36, 203],
  ])(
    'batch and single-row sums equal the JavaScript walk bit for bit (%i features, %i rows)',
    (dims, rows) => {
      const { data, arrays, leaf, kernel } = setup(rows, dims, dims);
      expect(expectExact(kernel, arrays, leaf, data, rows, dims)).toBe(false);
      for (let r = 0; r < rows; r += 17) {
        const row = data.subarray(r * dims, (r + 1) * dims);
        expect(kernel.rowSum(row)).toBe(jsSum(arrays, leaf, row));
      }
      // ±Infinity is not missing: it follows the comparisons, and +Infinity stays left of padding.
      const inf = Float64Array.from({ length: 2 * dims }, (_, i) => (i < dims ? Infinity : -Infinity));
      expect(expectExact(kernel, arrays, leaf, inf, 2, dims)).toBe(false);
    },
  );

  it('reports a NaN wherever it is (first value, block boundary, last value of an odd count), and only then', () => {
    const dims = 3;
    const rows = 1501; // 16 KiB blocks of 680 rows: 680, 680, 141 (141 · 3 values: odd)
    const { data, arrays, leaf, kernel } = setup(rows, dims, 5);
    // 1361 · 3: left in the block's 4th value, which a 1-row call (3 values) pads to 4 and must not read.
    for (const at of [0, 680 * dims, 1360 * dims - 1, 1361 * dims, rows * dims - 1]) {
      const d = Float64Array.from(data);
      d[at] = NaN;
      expect(kernel.pathSums(d, 0, rows, new Float64Array(rows))).toBe(true);
      // The block still holds that NaN past the rows of a shorter call: it must not be reported.
      expect(expectExact(kernel, arrays, leaf, data, 1, dims)).toBe(false);
      expect(expectExact(kernel, arrays, leaf, data, 141, dims)).toBe(false);
    }
  });

  it('two forests of one shape taking turns reload their layouts (built, then copied) and stay exact', () => {
    const dims = 4;
    const a = setup(500, dims, 21);
    const b = setup(500, dims, 22);
    for (let round = 0; round < 4; round++) {
      for (const { data, arrays, leaf, kernel } of [a, b]) {
        expect(expectExact(kernel, arrays, leaf, data, 500, dims)).toBe(false);
        const row = data.subarray(0, dims);
        expect(kernel.rowSum(row)).toBe(jsSum(arrays, leaf, row));
      }
      // The other forest holds the arena: a single row is not worth a reload.
      expect(a.kernel.rowSum(a.data.subarray(0, dims))).toBeUndefined();
      b.kernel.release();
      a.kernel.release();
    }
  });
});
