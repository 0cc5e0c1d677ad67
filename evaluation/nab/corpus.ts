import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DataError } from '../../core/errors.ts';
import { readNabCsv, type Series } from './csvSeries.ts';

/** Series keyed by NAB's relative path `<category>/<file>.csv`, in sorted order. */
export type Corpus = ReadonlyMap<string, Series>;

/** `<category>/<file>.csv` paths under a NAB data directory, sorted. */
export function listCorpusFiles(dataDir: string): string[] {
  if (!existsSync(dataDir) || !statSync(dataDir).isDirectory()) {
    throw new DataError(`NAB data directory not found: ${dataDir} (expected <category>/<file>.csv below it)`);
  }
  const files: string[] = [];
  for (const category of readdirSync(dataDir).sort()) {
    const dir = join(dataDir, category);
    if (!statSync(dir).isDirectory()) continue;
    for (const file of readdirSync(dir).sort()) if (file.endsWith('.csv')) files.push(`${category}/${file}`);
  }
  if (files.length === 0) throw new DataError(`no <category>/<file>.csv files under ${dataDir}`);
  return files;
}

/** Reads every `<category>/<file>.csv` (`timestamp,value`) under a NAB data directory. */
export function readCorpus(dataDir: string): Corpus {
  return new Map(listCorpusFiles(dataDir).map((file) => [file, readNabCsv(join(dataDir, file), 'value')]));
}
