import { describe, expect, it } from 'vitest';
import { ConfigError, DataError } from '../../../core/errors.ts';
import { readNumericCsv } from '../../../core/numericCsv.ts';
import { createRng } from '../../../core/rng.ts';
import {
  averagePathLength,
  fitIsolationForest,
  isolationForestFactory,
  isolationForestFromJSON,
  type IsolationForest,
} from '../../../detectors/isolationForest.ts';
import { rocAuc } from '../../../evaluation/rocAuc.ts';
import { shared } from '../../support/shared.ts';

/** Row-major standard normal rows. */
function gaussian(rows: number, dims: number, seed: number): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: rows * dims }, () => rng.normal());
}

/** Reference score straight from the flat arrays: the textbook walk, independent of the kernels. */
function referenceScore(f: IsolationForest, x: ArrayLike<number>): number {
  const a = f.forestArrays;
  let total = 0;
  for (const root of a.roots) {
    let n = root;
    let depth = 0;
    while (a.feature[n]! >= 0) {
      const v = x[a.feature[n]!]!;
      n = Number.isNaN(v)
        ? a.missingLeft[n]
          ? a.left[n]!
          : a.right[n]!
        : v <= a.threshold[n]!
          ? a.left[n]!
          : a.right[n]!;
      depth++;
    }
    total += depth + averagePathLength(a.size[n]!);
  }
  return 2 ** (-total / (a.roots.length * averagePathLength(f.sampleSize)));
}

const data = gaussian(3000, 4, 1);
const input = { data, rows: 3000, dims: 4 };

describe('isolationForest - fitting', () => {
  it('same seed gives the same forest; another seed a different one', () => {
    const a = fitIsolationForest(input, { seed: 7 });
    const b = fitIsolationForest(input, { seed: 7 });
    const c = fitIsolationForest(input, { seed: 8 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(a)).not.toBe(JSON.stringify(c));
    expect(a.scoreMany(data, 3000)).toEqual(b.scoreMany(data, 3000));
  });

  it('grows each tree on sampleSize distinct rows, at most ceil(log2(sampleSize)) deep', () => {
    const f = fitIsolationForest(input, { trees: 50, sampleSize: 200 });
    const a = f.forestArrays;
    expect(a.roots.length).toBe(50);
    for (const r of a.roots) expect(a.size[r]).toBe(200);
    const depth = new Int32Array(a.feature.length);
    for (let n = 0; n < a.feature.length; n++) {
      if (a.feature[n]! < 0) continue;
      depth[a.left[n]!] = depth[a.right[n]!] = depth[n]! + 1;
      expect(a.size[a.left[n]!]! + a.size[a.right[n]!]!).toBe(a.size[n]);
    }
    expect(Math.max(...depth)).toBeLessThanOrEqual(Math.ceil(Math.log2(200)));
    expect(fitIsolationForest({ data, rows: 100, dims: 4 }).sampleSize).toBe(100);
  });

  it('never splits on a constant feature', () => {
    const d = Float64Array.from(data);
    for (let r = 0; r < 3000; r++) d[r * 4 + 2] = 5;
    const f = fitIsolationForest({ data: d, rows: 3000, dims: 4 });
    expect([...f.forestArrays.feature].filter((x) => x === 2)).toHaveLength(0);
    expect([...f.forestArrays.feature].filter((x) => x === 1).length).toBeGreaterThan(100);
  });

  it('does not mutate its input, typed or number[][], and both give the same forest', () => {
    const copy = Float64Array.from(data);
    const rows = Array.from({ length: 3000 }, (_, r) => Array.from(data.subarray(r * 4, r * 4 + 4)));
    const rowsCopy = JSON.stringify(rows);
    const a = fitIsolationForest(input, { seed: 3 });
    const b = fitIsolationForest(rows, { seed: 3 });
    a.scoreMany(data, 3000);
    a.explain(rows[0]!);
    expect(data).toEqual(copy);
    expect(JSON.stringify(rows)).toBe(rowsCopy);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });

  it('rejects bad hyper-parameters and data with named errors', () => {
    expect(() => fitIsolationForest(input, { trees: 0 })).toThrow(ConfigError);
    expect(() => fitIsolationForest(input, { sampleSize: 1.5 })).toThrow(/sampleSize/);
    expect(() => fitIsolationForest({ data, rows: 5000, dims: 4 })).toThrow(DataError);
    expect(() => fitIsolationForest([[1, 2], [3]])).toThrow(/row 1/);
  });
});

describe('isolationForest - scoring', () => {
  const f = fitIsolationForest(input, { seed: 11 });

  it('scoreMany, score and the textbook walk agree exactly, NaN rows included', () => {
    const d = Float64Array.from(data.subarray(0, 400 * 4));
    d[5] = NaN;
    d[17 * 4] = NaN;
    d[17 * 4 + 3] = NaN;
    const many = f.scoreMany(d, 400);
    for (let r = 0; r < 400; r++) {
      const row = d.subarray(r * 4, r * 4 + 4);
      expect(f.score(Array.from(row))).toBe(many[r]);
      expect(many[r]).toBeCloseTo(referenceScore(f, row), 12);
    }
  });

  it('forests of one shape share the WebAssembly arena and still score exactly, interleaved', () => {
    const g = fitIsolationForest(input, { seed: 12 });
    const rows = data.subarray(0, 64 * 4);
    for (let round = 0; round < 3; round++) {
      for (const forest of [f, g]) {
        const many = forest.scoreMany(rows, 64);
        for (let r = 0; r < 64; r += 9) {
          const row = rows.subarray(r * 4, r * 4 + 4);
          expect(many[r]).toBeCloseTo(referenceScore(forest, row), 12);
          expect((round ? g : f).score(row)).toBe((round ? g : f).scoreMany(row, 1)[0]);
        }
      }
      g.release();
    }
  });

  it('scores an outlier above every training row, and lies in (0, 1]', () => {
    const scores = f.scoreMany(data, 3000);
    const max = Math.max(...scores);
    expect(Math.min(...scores)).toBeGreaterThan(0);
    expect(f.score([6, -6, 6, 0])).toBeGreaterThan(max);
    expect(f.score([6, -6, 6, 0])).toBeLessThanOrEqual(1);
  });

  it('a missing value follows the larger child: it neither raises nor isolates', () => {
    const normal = f.score([0.1, 0, -0.1, 0]);
    expect(f.score([NaN, 0, -0.1, 0])).toBeLessThan(normal + 0.05);
    expect(f.score([NaN, 0, -0.1, 0])).toBeLessThan(f.score([8, 0, -0.1, 0]) - 0.1);
  });

  it('averagePathLength is scikit-learn _average_path_length', () => {
    expect(averagePathLength(0)).toBe(0);
    expect(averagePathLength(1)).toBe(0);
    expect(averagePathLength(2)).toBe(1);
    // Values printed by sklearn.ensemble._iforest._average_path_length (scikit-learn 1.9.1).
    expect(averagePathLength(3)).toBeCloseTo(1.207392357589623, 14);
    expect(averagePathLength(256)).toBeCloseTo(10.244770920119917, 12);
  });

  it('is well above chance on breastw (ADBench, read from ../shared at run time)', async () => {
    const t = await readNumericCsv(shared('adbench', 'breastw.csv.gz'));
    const label = t.columns.indexOf('label');
    const dims = t.columns.length - 1;
    const x = new Float64Array(t.rows * dims);
    const y = new Float64Array(t.rows);
    for (let r = 0; r < t.rows; r++) {
      for (let j = 0, k = 0; j <= dims; j++) {
        if (j === label) y[r] = t.data[r * (dims + 1) + j]!;
        else x[r * dims + k++] = t.data[r * (dims + 1) + j]!;
      }
    }
    const forest = fitIsolationForest({ data: x, rows: t.rows, dims }, { seed: 0 });
    expect(rocAuc(forest.scoreMany(x, t.rows), y)).toBeGreaterThan(0.97);
  });
});

describe('isolationForest - explain', () => {
  const f = fitIsolationForest(input, { seed: 5 });

  it('gives the largest contribution to the feature made extreme, for every feature', () => {
    for (let j = 0; j < 4; j++) {
      const x = [0.2, -0.3, 0.1, 0.4];
      x[j] = j % 2 ? -7 : 7;
      const c = f.explain(x);
      const top = c.indexOf(Math.max(...c));
      expect(top).toBe(j);
      expect(c[j]).toBeGreaterThan(0.5 * f.score(x));
    }
  });

  it('contributions are non-negative and sum to the score; a missing feature gets none', () => {
    const x = [1.5, NaN, -2, 0.3];
    const c = f.explain(x);
    expect(c[1]).toBe(0);
    expect(Math.min(...c)).toBeGreaterThanOrEqual(0);
    expect(c.reduce((a, b) => a + b, 0)).toBeCloseTo(f.score(x), 12);
  });
});

describe('isolationForest - serialisation', () => {
  it('a JSON round trip gives identical scores and explanations', () => {
    const f = fitIsolationForest(input, { seed: 2, features: ['a', 'b', 'c', 'd'] });
    const g = isolationForestFactory.fromJSON(JSON.parse(JSON.stringify(f)));
    expect(g.features).toEqual(['a', 'b', 'c', 'd']);
    expect(g.scoreMany(data, 3000)).toEqual(f.scoreMany(data, 3000));
    expect(g.explain([3, 0, NaN, 1])).toEqual(f.explain([3, 0, NaN, 1]));
  });

  it('rejects corrupt models with a DataError', () => {
    const json = fitIsolationForest(input, { trees: 3 }).toJSON();
    expect(() => isolationForestFromJSON({ ...json, kind: 'lstm' })).toThrow(DataError);
    expect(() => isolationForestFromJSON({ ...json, left: json.left.map(() => 0) })).toThrow(/children/);
    expect(() =>
      isolationForestFromJSON({ ...json, feature: json.feature.map((f) => (f >= 0 ? 9 : f)) }),
    ).toThrow(/feature 9/);
  });
});
