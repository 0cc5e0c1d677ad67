import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { Command } from '../command.ts';
import { ConfigError, DataError } from '../../core/errors.ts';
import { readNumericCsv, type NumericTable } from '../../core/numericCsv.ts';
import { fitIsolationForest } from '../../detectors/isolationForest.ts';

const help = `Usage: flowguard iforest --fit CSV --score CSV --out CSV [options]

Fits an isolation forest on one numeric CSV and scores every row of another: one score per row,
in input order, under the header 'score'; higher is more anomalous (scores are in (0, 1]).
CSVs have a header row; a 'label' column is ignored; gzipped files (.gz or gzip magic bytes)
are read directly. Empty and NaN cells are missing values.

Options:
  --fit CSV            rows to fit the forest on
  --score CSV          rows to score (its columns are matched to the fit file's by name)
  --out CSV            where to write the scores ('-' for stdout)
  --trees N            number of trees (default 100)
  --sample-size N      rows per tree (default 256)
  --seed N             random seed (default 0)

Example:
  flowguard iforest --fit train.csv.gz --score test.csv.gz --out scores.csv --seed 1`;

function integer(name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new ConfigError(`--${name} must be an integer >= ${min}, got '${value}'.`);
  return n;
}

/** The columns of `table` in the order of `columns`; every one must be there, and nothing else. */
function align(table: NumericTable, columns: readonly string[], path: string): Float64Array {
  const missing = columns.filter((c) => !table.columns.includes(c));
  const extra = table.columns.filter((c) => !columns.includes(c));
  if (missing.length > 0 || extra.length > 0) {
    const parts = [
      missing.length > 0 ? `missing ${missing.map((c) => `'${c}'`).join(', ')}` : '',
      extra.length > 0 ? `unexpected ${extra.map((c) => `'${c}'`).join(', ')}` : '',
    ].filter((p) => p !== '');
    throw new DataError(`${path} must have the fit file's columns: ${parts.join('; ')}.`);
  }
  if (columns.every((c, j) => table.columns[j] === c)) return table.data;
  const order = columns.map((c) => table.columns.indexOf(c));
  const dims = columns.length;
  const out = new Float64Array(table.rows * dims);
  for (let r = 0; r < table.rows; r++)
    for (let j = 0; j < dims; j++) out[r * dims + j] = table.data[r * dims + order[j]!]!;
  return out;
}

/** `flowguard iforest`: the isolation forest alone, CSV in, scores out. */
export const iforestCommand: Command = {
  name: 'iforest',
  summary: 'Fit an isolation forest on a numeric CSV and score another, one score per row',
  help,
  async run(argv) {
    let values;
    try {
      ({ values } = parseArgs({
        args: argv,
        options: {
          fit: { type: 'string' },
          score: { type: 'string' },
          out: { type: 'string' },
          trees: { type: 'string' },
          'sample-size': { type: 'string' },
          seed: { type: 'string' },
        },
        strict: true,
        allowPositionals: false,
      }));
    } catch (err) {
      throw new ConfigError(`${(err as Error).message}. See 'flowguard iforest --help'.`, { cause: err });
    }
    for (const name of ['fit', 'score', 'out'] as const) {
      if (!values[name]) throw new ConfigError(`--${name} is required. See 'flowguard iforest --help'.`);
    }
    const trees = integer('trees', values.trees, 100, 1);
    const sampleSize = integer('sample-size', values['sample-size'], 256, 1);
    const seed = integer('seed', values.seed, 0, 0);

    const fit = await readNumericCsv(values.fit!, { ignore: ['label'] });
    if (fit.rows === 0) throw new DataError(`${values.fit} has no data rows to fit on.`);
    if (fit.columns.length === 0) throw new DataError(`${values.fit} has no feature columns (only 'label').`);
    const forest = fitIsolationForest(
      { data: fit.data, rows: fit.rows, dims: fit.columns.length },
      { trees, sampleSize, seed, features: fit.columns },
    );
    const target =
      values.score === values.fit ? fit : await readNumericCsv(values.score!, { ignore: ['label'] });
    const data = align(target, fit.columns, values.score!);
    const scores = forest.scoreMany(data, target.rows);

    const lines = new Array<string>(target.rows + 1);
    lines[0] = 'score';
    for (let r = 0; r < target.rows; r++) lines[r + 1] = String(scores[r]);
    const text = lines.join('\n') + '\n';
    if (values.out === '-') process.stdout.write(text);
    else {
      try {
        await writeFile(values.out!, text);
      } catch (err) {
        throw new DataError(`cannot write ${values.out}: ${(err as Error).message}`, { cause: err });
      }
    }
    return 0;
  },
};
