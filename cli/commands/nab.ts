import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from '../../core/errors.ts';
import type { Command } from '../command.ts';
import { listCorpusFiles, readCorpus } from '../../evaluation/nab/corpus.ts';
import { findNabDetector, nabDetectors } from '../../evaluation/nab/detectors.ts';
import { NAB_PROFILES, loadProfiles, type Profiles } from '../../evaluation/nab/profiles.ts';
import { readResults, writeDetectorResults, type DetectorOutput } from '../../evaluation/nab/resultFiles.ts';
import { runDetector } from '../../evaluation/nab/runDetector.ts';
import { scoreDetector, type DetectorScore } from '../../evaluation/nab/scoreDetector.ts';
import { loadWindows, type CorpusWindows } from '../../evaluation/nab/windows.ts';

const help = `Usage: flowguard nab --data DIR --labels FILE [--json] [--detector NAME]... [options]

Scores anomaly detectors on the Numenta Anomaly Benchmark (NAB v1.1 scoring: windows, scaled
sigmoid reward, one threshold per detector and profile optimised over the corpus, null = 0,
perfect = 100).

Without --results, runs the registered streaming detectors over every <category>/<file>.csv
under --data, and rescores the reference detectors' result files on the same files so that the
numbers compare like with like. With --results, scores existing result files instead.

Options:
  --data DIR         NAB data directory (<category>/<file>.csv with timestamp,value); with
                     --results it is optional and restricts scoring to the files present
  --labels FILE      NAB combined_windows.json
  --detector NAME    detector to run (repeatable; default: all registered); with --results, the
                     detectors to score among those found
  --results DIR      score result files: <DIR>/<detector>/<category>/<detector>_<file>.csv, or a
                     single detector's directory <DIR>/<category>/<detector>_<file>.csv
  --reference DIR    reference result files to rescore on the same files (default:
                     <labels dir>/../reference/scores when it exists)
  --no-reference     do not rescore reference detectors
  --profiles FILE    NAB profiles.json (default: <labels dir>/../config/profiles.json when it
                     exists, else NAB's three standard profiles)
  --out DIR          also write the run detectors' result files there, in NAB's layout
  --json             print one JSON object on stdout

Registered detectors: ${nabDetectors.map((d) => d.name).join(', ')}

Examples:
  flowguard nab --data ../shared/nab/data --labels ../shared/nab/labels/combined_windows.json --json
  flowguard nab --labels ../shared/nab/labels/combined_windows.json --results ../shared/nab/reference/scores`;

interface DetectorReport {
  source: 'run' | 'results' | 'reference';
  files: number;
  windows: number;
  [profile: string]: unknown;
  thresholds: Record<string, number>;
  raw: Record<string, number>;
  seconds?: number;
}

function report(source: DetectorReport['source'], scored: DetectorScore, seconds?: number): DetectorReport {
  const scores: Record<string, number> = {};
  const thresholds: Record<string, number> = {};
  const raw: Record<string, number> = {};
  for (const [profile, s] of scored.profiles) {
    scores[profile] = s.score;
    thresholds[profile] = s.threshold;
    raw[profile] = s.rawScore;
  }
  return {
    source,
    files: scored.files,
    windows: scored.windows,
    ...scores,
    thresholds,
    raw,
    ...(seconds === undefined ? {} : { seconds }),
  };
}

function scoreAll(
  results: ReadonlyMap<string, DetectorOutput>,
  windows: CorpusWindows,
  profiles: Profiles,
  source: DetectorReport['source'],
  files: readonly string[] | undefined,
): Record<string, DetectorReport> {
  const out: Record<string, DetectorReport> = {};
  for (const [name, output] of results) {
    const subset = files?.filter((f) => output.has(f));
    out[name] = report(source, scoreDetector(output, windows, profiles, subset ?? output.keys()));
  }
  return out;
}

function table(title: string, reports: Record<string, DetectorReport>, profiles: Profiles): string {
  const names = [...profiles.keys()];
  const rows = Object.entries(reports).map(([name, r]) => [
    name,
    String(r.files),
    ...names.map((p) => (r[p] as number).toFixed(1)),
    names.map((p) => Number(r.thresholds[p]).toPrecision(4)).join(' / '),
  ]);
  const header = ['detector', 'files', ...names, 'thresholds'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number)))
      .join('  ');
  return [title, line(header), ...rows.map(line)].join('\n');
}

async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      data: { type: 'string' },
      labels: { type: 'string' },
      detector: { type: 'string', multiple: true },
      results: { type: 'string' },
      reference: { type: 'string' },
      'no-reference': { type: 'boolean', default: false },
      profiles: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (!values.labels) throw new ConfigError('--labels is required: the path of NAB combined_windows.json');
  if (!values.results && !values.data) throw new ConfigError('--data is required unless --results is given');
  const nabRoot = join(dirname(resolve(values.labels)), '..');
  const windows = loadWindows(values.labels);
  const defaultProfiles = join(nabRoot, 'config', 'profiles.json');
  const profiles = values.profiles
    ? loadProfiles(values.profiles)
    : existsSync(defaultProfiles)
      ? loadProfiles(defaultProfiles)
      : NAB_PROFILES;
  const files = values.data ? listCorpusFiles(values.data) : undefined;
  const wanted = values.detector ?? [];

  let detectors: Record<string, DetectorReport> = {};
  let reference: Record<string, DetectorReport> | undefined;
  let corpusFiles = files?.length ?? 0;
  if (values.results) {
    const all = readResults(values.results);
    const unknown = wanted.filter((d) => !all.has(d));
    if (unknown.length > 0) {
      throw new ConfigError(
        `--detector ${unknown.join(', ')}: not under ${values.results} (found ${[...all.keys()].join(', ')})`,
      );
    }
    const chosen = new Map([...all].filter(([name]) => wanted.length === 0 || wanted.includes(name)));
    detectors = scoreAll(chosen, windows, profiles, 'results', files);
    corpusFiles ||= Math.max(...Object.values(detectors).map((d) => d.files));
  } else {
    const chosen = wanted.map((name) => {
      const d = findNabDetector(name);
      if (!d)
        throw new ConfigError(
          `--detector ${name}: unknown; registered: ${nabDetectors.map((x) => x.name).join(', ')}`,
        );
      return d;
    });
    const corpus = readCorpus(values.data as string);
    for (const d of chosen.length > 0 ? chosen : nabDetectors) {
      const started = performance.now();
      const results = runDetector(d.create, corpus);
      const seconds = Math.round((performance.now() - started) / 10) / 100;
      if (values.out) writeDetectorResults(values.out, d.name, results);
      detectors[d.name] = report('run', scoreDetector(results, windows, profiles), seconds);
    }
    reference = {};
    const referenceDir = values.reference ?? join(nabRoot, 'reference', 'scores');
    if (!values['no-reference'] && (values.reference || existsSync(referenceDir))) {
      reference = scoreAll(readResults(referenceDir), windows, profiles, 'reference', [...corpus.keys()]);
    }
  }

  const corpus = { files: corpusFiles, profiles: [...profiles.keys()] };
  if (values.json) {
    console.log(JSON.stringify({ corpus, detectors, ...(reference ? { reference } : {}) }));
  } else {
    console.log(table(`Detectors (${corpusFiles} files)`, detectors, profiles));
    if (reference && Object.keys(reference).length > 0) {
      console.log(`\n${table('Reference detectors rescored on the same files', reference, profiles)}`);
    }
  }
  return 0;
}

/** `flowguard nab`: NAB scores of the streaming detectors, or of existing result files. */
export const nabCommand: Command = {
  name: 'nab',
  summary: 'score anomaly detectors on the Numenta Anomaly Benchmark',
  help,
  run,
};
