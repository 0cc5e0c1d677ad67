import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { DataError } from '../../core/errors.ts';
import { readNabCsv, type Series } from './csvSeries.ts';
import { formatNabTimestamp } from './timestamps.ts';

/** One detector's anomaly scores per corpus file (`values` holds the scores), keyed `<category>/<file>.csv`. */
export type DetectorOutput = ReadonlyMap<string, Series>;

const isDir = (path: string): boolean => statSync(path).isDirectory();

/** Reads `<dir>/<category>/<detector>_<file>.csv` files; top-level summary CSVs are ignored, as NAB does. */
export function readDetectorResults(dir: string, detector = basename(dir)): DetectorOutput {
  const out = new Map<string, Series>();
  const prefix = `${detector}_`;
  for (const category of readdirSync(dir).sort()) {
    const categoryDir = join(dir, category);
    if (!isDir(categoryDir)) continue;
    for (const file of readdirSync(categoryDir).sort()) {
      if (!file.endsWith('.csv')) continue;
      const name = file.startsWith(prefix) ? file.slice(prefix.length) : file;
      out.set(`${category}/${name}`, readNabCsv(join(categoryDir, file), 'anomaly_score'));
    }
  }
  return out;
}

/**
 * Reads a NAB results directory: either `<dir>/<detector>/<category>/<detector>_<file>.csv` for
 * several detectors, or a single detector's directory `<dir>/<category>/<detector>_<file>.csv`
 * (the detector then takes the directory's name).
 */
export function readResults(dir: string): Map<string, DetectorOutput> {
  if (!existsSync(dir) || !isDir(dir)) throw new DataError(`results directory not found: ${dir}`);
  const subdirs = readdirSync(dir)
    .sort()
    .filter((d) => isDir(join(dir, d)));
  const holdsCsv = (d: string): boolean => readdirSync(join(dir, d)).some((f) => f.endsWith('.csv'));
  const singleDetector = subdirs.some(
    (d) => holdsCsv(d) && readdirSync(join(dir, d)).every((f) => !isDir(join(dir, d, f))),
  );
  const out = new Map<string, DetectorOutput>();
  if (singleDetector) {
    out.set(basename(dir), readDetectorResults(dir));
  } else {
    for (const d of subdirs) {
      const results = readDetectorResults(join(dir, d), d);
      if (results.size > 0) out.set(d, results);
    }
  }
  if (out.size === 0)
    throw new DataError(
      `no result files under ${dir} (expected <detector>/<category>/<detector>_<file>.csv)`,
    );
  return out;
}

/** Writes one detector's output in NAB's layout: `<dir>/<detector>/<category>/<detector>_<file>.csv`. */
export function writeDetectorResults(dir: string, detector: string, output: DetectorOutput): void {
  for (const [file, series] of output) {
    const [category, name] = file.split('/') as [string, string];
    const target = join(dir, detector, category);
    mkdirSync(target, { recursive: true });
    const lines = ['timestamp,anomaly_score'];
    for (let i = 0; i < series.values.length; i++) {
      lines.push(`${formatNabTimestamp(series.timestamps[i] as number)},${series.values[i] as number}`);
    }
    writeFileSync(join(target, `${detector}_${name}`), `${lines.join('\n')}\n`);
  }
}
