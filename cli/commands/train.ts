import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from '../../core/errors.ts';
import { marketFeatures } from '../../features/index.ts';
import { FORMAT_NAMES } from '../../pipelines/formats/index.ts';
import type { Command } from '../command.ts';

const help = `Usage: flowguard train --from PATH... --format F [--out DIR] [options]

Trains the LSTM forecaster (detectors/lstm) offline and writes DIR/NAME.json: a versioned model
file with the feature names, input normalisation, hyper-parameters, seed, a description of the
training data (paths, sizes, SHA-256) and the weights (float32, base64). The recorded files go
through the pipeline's own decode, keyBy and computeFeatures stages, so the network learns the
vectors the detector sees live. Training is seeded: the same data, seed and backend give the same
weights. Uses @tensorflow/tfjs on the wasm backend (cpu, much slower, if wasm fails).
Progress goes to stderr (a line per epoch). Reading history from InfluxDB is a later addition;
today PATH is recorded files only.

Options:
  --from PATH          replay file or directory (every file in it, name order); repeatable, and
                       extra positional PATHs are taken too
  --format F           ${FORMAT_NAMES.join(' | ')}
  --venue V            venue name (binance-ws guesses it from the folder: spot, usdm, cm)
  --out DIR            output directory (default models)
  --name NAME          model file name without .json (default lstm)
  --features A,B,...   train on these venue-symbol features only (default: all of them)
  --seed N             (default 7)
  --hidden N           LSTM units (default 16)
  --window N           steps per training window (default 32)
  --stride N           every N-th frame of a key is a step (default 4)
  --epochs N           (default 6)
  --batch-size N       (default 128)
  --learning-rate X    Adam step (default 0.01)
  --max-windows N      windows drawn from the data (default 8000), 20 % held out
  --backend B          wasm | cpu (default wasm)
  --bench              afterwards, measure µs per key-step: typed-array cell vs tfjs
  --model FILE         with --bench and no --from: measure an existing model
  --json               print a summary as one JSON object on stdout

Examples:
  flowguard train --from ../shared/market/binance --format binance-ws --out models --name lstm-default
  flowguard train --bench --model models/lstm-default.json --json`;

function expand(paths: string[]): string[] {
  return paths.flatMap((p) => {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new ConfigError(`--from: cannot read '${p}': no such file or directory`);
    }
    if (!st.isDirectory()) return [p];
    // A folder of folders (binance/spot, usdm, cm) is walked one level down.
    return readdirSync(p)
      .filter((f) => !f.startsWith('.') && !f.endsWith('.md') && f !== 'LICENSE')
      .sort()
      .flatMap((f) => (statSync(join(p, f)).isDirectory() ? expand([join(p, f)]) : [join(p, f)]));
  });
}

const int = (name: string, v: string | undefined, dflt: number, min = 1): number => {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min)
    throw new ConfigError(`--${name} must be an integer >= ${min}, got '${v}'`);
  return n;
};

export const trainCommand: Command = {
  name: 'train',
  summary: 'train the LSTM detector on recorded data; write a versioned model file',
  help,
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        from: { type: 'string', multiple: true },
        format: { type: 'string' },
        venue: { type: 'string' },
        out: { type: 'string', default: 'models' },
        name: { type: 'string', default: 'lstm' },
        features: { type: 'string' },
        seed: { type: 'string' },
        hidden: { type: 'string' },
        window: { type: 'string' },
        stride: { type: 'string' },
        epochs: { type: 'string' },
        'batch-size': { type: 'string' },
        'learning-rate': { type: 'string' },
        'max-windows': { type: 'string' },
        backend: { type: 'string', default: 'wasm' },
        bench: { type: 'boolean', default: false },
        model: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    });
    // tfjs is loaded only when this command runs, not with every CLI command.
    const { loadLstmModel, lstmModel } = await import('../../detectors/lstm/model.ts');
    const { measureStep } = await import('../../detectors/lstm/benchStep.ts');
    const backend = values.backend;
    if (backend !== 'wasm' && backend !== 'cpu')
      throw new ConfigError(`--backend must be wasm or cpu, got '${backend}'`);
    const log = (line: string) => console.error(line);
    const paths = [...(values.from ?? []), ...positionals];

    if (paths.length === 0) {
      if (!(values.bench && values.model))
        throw new ConfigError(
          'give --from PATH (replay files or a directory), or --bench --model FILE (see --help)',
        );
      const figures = await measureStep(loadLstmModel(values.model), backend);
      if (values.json) console.log(JSON.stringify({ model: values.model, bench: figures }));
      else printBench(figures);
      return 0;
    }

    if (!values.format) throw new ConfigError(`--format is required: one of ${FORMAT_NAMES.join(', ')}`);
    const { collectFrames } = await import('../../detectors/lstm/frames.ts');
    const { trainLstm, lstmHyperDefaults } = await import('../../detectors/lstm/train.ts');
    const files = expand(paths);
    let features = marketFeatures.filter((f) => f.keyKind === 'venue-symbol');
    if (values.features) {
      const want = values.features.split(',').map((s) => s.trim());
      const unknown = want.filter((w) => !features.some((f) => f.name === w));
      if (unknown.length)
        throw new ConfigError(
          `--features: unknown ${unknown.join(', ')}; venue-symbol features are ${features.map((f) => f.name).join(', ')}`,
        );
      features = features.filter((f) => want.includes(f.name));
    }
    const lr =
      values['learning-rate'] === undefined
        ? lstmHyperDefaults.learningRate
        : Number(values['learning-rate']);
    if (!(lr > 0))
      throw new ConfigError(`--learning-rate must be a positive number, got '${values['learning-rate']}'`);
    const hyper = {
      ...lstmHyperDefaults,
      hidden: int('hidden', values.hidden, lstmHyperDefaults.hidden),
      window: int('window', values.window, lstmHyperDefaults.window, 2),
      stride: int('stride', values.stride, lstmHyperDefaults.stride),
      epochs: int('epochs', values.epochs, lstmHyperDefaults.epochs, 0),
      batchSize: int('batch-size', values['batch-size'], lstmHyperDefaults.batchSize),
      learningRate: lr,
      maxWindows: int('max-windows', values['max-windows'], lstmHyperDefaults.maxWindows, 2),
    };
    const seed = int('seed', values.seed, 7, 0);

    const started = performance.now();
    log(
      `reading ${files.length} file(s) through decode, keyBy and computeFeatures (${features.length} features)...`,
    );
    const frames = await collectFrames({
      files,
      format: values.format,
      venue: values.venue,
      features,
      keyKind: 'venue-symbol',
      stride: hyper.stride,
      progress: (n) => log(`  ${n} frames`),
    });
    const readSec = (performance.now() - started) / 1000;
    log(`${frames.frames} frames of ${frames.keys.size} key(s) in ${readSec.toFixed(1)} s`);
    const tty = process.stderr.isTTY;
    const manifest = await trainLstm({
      frames,
      hyper,
      seed,
      backend,
      source: {
        // Canonical (every effective setting, fixed order, no output flags), so the same training
        // writes the same bytes however the command line was spelled.
        command: [
          'flowguard train',
          ...paths.map((p) => `--from ${p}`),
          `--format ${values.format}`,
          ...(values.venue ? [`--venue ${values.venue}`] : []),
          ...(values.features ? [`--features ${features.map((f) => f.name).join(',')}`] : []),
          `--seed ${seed} --hidden ${hyper.hidden} --window ${hyper.window} --stride ${hyper.stride}`,
          `--epochs ${hyper.epochs} --batch-size ${hyper.batchSize} --learning-rate ${hyper.learningRate}`,
          `--max-windows ${hyper.maxWindows} --backend ${backend}`,
        ].join(' '),
        format: values.format,
        files: files.map((path) => {
          const bytes = readFileSync(path);
          return { path, bytes: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') };
        }),
      },
      log: (line) => log(tty ? `\r\x1b[K${line}` : line),
      tick: tty ? (line) => process.stderr.write(`\r\x1b[K${line}`) : undefined,
    });
    const trainSec = (performance.now() - started) / 1000 - readSec;
    mkdirSync(values.out, { recursive: true });
    const path = join(values.out, `${values.name}.json`);
    const text = JSON.stringify(manifest) + '\n';
    writeFileSync(path, text);
    log(
      `wrote ${path} (${(text.length / 1024).toFixed(1)} KB); features read in ${readSec.toFixed(1)} s, trained in ${trainSec.toFixed(1)} s`,
    );
    const figures = values.bench ? await measureStep(lstmModel(manifest), backend) : undefined;
    if (figures && !values.json) printBench(figures);
    if (values.json)
      console.log(
        JSON.stringify({
          model: path,
          bytes: text.length,
          frames: frames.frames,
          keys: manifest.training.keys,
          lossByEpoch: manifest.training.lossByEpoch,
          validationLoss: manifest.training.validationLoss,
          backend: manifest.training.backend,
          readSeconds: readSec,
          trainSeconds: trainSec,
          ...(figures ? { bench: figures } : {}),
        }),
      );
    return 0;
  },
};

function printBench(
  f: Awaited<ReturnType<typeof import('../../detectors/lstm/benchStep.ts').measureStep>>,
): void {
  const us = (v: number) => `${v.toFixed(2)} µs`;
  console.log(`LSTM ${f.features} features, ${f.hidden} units, window ${f.window}: µs per key-step`);
  console.log(`  typed-array cell step            ${us(f.typedArrayStepUs)}`);
  console.log(`  typed-array detector score+learn ${us(f.typedArrayDetectorFrameUs)}`);
  console.log(`  tfjs ${f.backend} step, batch 1          ${us(f.tfjsStepBatch1Us)}`);
  console.log(`  tfjs ${f.backend} step, batch 64         ${us(f.tfjsStepBatch64Us)}`);
  console.log(`  tfjs ${f.backend} window re-run, 64 keys ${us(f.tfjsWindowBatch64UsPerKey)} per key`);
}
