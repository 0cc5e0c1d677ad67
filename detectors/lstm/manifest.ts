import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DataError } from '../../core/errors.ts';

/** Version of the model file layout; a loader refuses any other. */
export const LSTM_FORMAT_VERSION = 1;

/** One weight array: its shape and its float32 values, little-endian, base64. */
const Tensor = z.object({
  shape: z.array(z.number().int().positive()),
  float32Base64: z.string(),
});

const Finite = z.number().finite();

/** Hyper-parameters of the trained network and of its training run. */
export const LstmHyper = z.object({
  hidden: z.number().int().positive(),
  window: z.number().int().positive(),
  /** Every stride-th frame of a key is one step of the sequence. */
  stride: z.number().int().positive(),
  epochs: z.number().int().nonnegative(),
  batchSize: z.number().int().positive(),
  learningRate: z.number().positive(),
  /** Windows drawn for training (the rest of the data is not used), and the share held out for validation. */
  maxWindows: z.number().int().positive(),
  validationShare: z.number().min(0).max(0.9),
  /** Standardised inputs are clipped to ±clip before entering the network. */
  clip: z.number().positive(),
  /** Gate activation: tfjs defaults to hardSigmoid, Keras 2.3+ to sigmoid; flowguard trains with sigmoid. */
  recurrentActivation: z.enum(['sigmoid', 'hardSigmoid']),
});
export type LstmHyper = z.infer<typeof LstmHyper>;

/** The model file: everything inference needs, and enough about training to reproduce it. */
export const LstmManifest = z.object({
  kind: z.literal('lstm-forecaster'),
  formatVersion: z.literal(LSTM_FORMAT_VERSION),
  /** Feature names in input order; a frame without one of them gets NaN (imputed 0 after standardising). */
  features: z.array(z.string().min(1)).min(1),
  normalisation: z.object({ mean: z.array(Finite), std: z.array(z.number().positive()) }),
  /** RMS of the one-step prediction error per feature (standardised units), from held-out data. */
  errorScale: z.array(z.number().positive()),
  hyper: LstmHyper,
  seed: z.number().int(),
  training: z.object({
    command: z.string(),
    format: z.string(),
    files: z.array(z.object({ path: z.string(), bytes: z.number().int(), sha256: z.string() })),
    keys: z.record(z.string(), z.number().int()),
    frames: z.number().int(),
    trainWindows: z.number().int(),
    validationWindows: z.number().int(),
    backend: z.string(),
    lossByEpoch: z.array(Finite),
    validationLoss: Finite,
  }),
  weights: z.object({
    kernel: Tensor,
    recurrentKernel: Tensor,
    bias: Tensor,
    denseKernel: Tensor,
    denseBias: Tensor,
  }),
});
export type LstmManifest = z.infer<typeof LstmManifest>;
export type WeightName = keyof LstmManifest['weights'];

export function encodeFloat32(a: Float32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

export function decodeFloat32(b64: string): Float32Array {
  const buf = Buffer.from(b64, 'base64');
  const out = new Float32Array(buf.byteLength / 4);
  new Uint8Array(out.buffer).set(buf);
  return out;
}

/** Short content hash of the weights and normalisation: checkpoints name the model they were taken with. */
export function fingerprint(m: LstmManifest): string {
  const h = createHash('sha256');
  h.update(JSON.stringify(m.features));
  h.update(JSON.stringify(m.normalisation));
  for (const t of Object.values(m.weights)) h.update(t.float32Base64);
  return h.digest('hex').slice(0, 16);
}

/** Validates a parsed model file; throws DataError naming what is wrong. */
export function parseManifest(json: unknown, source = 'model'): LstmManifest {
  const v = (json as { formatVersion?: unknown } | null)?.formatVersion;
  if (v !== undefined && v !== LSTM_FORMAT_VERSION)
    throw new DataError(
      `${source}: formatVersion ${String(v)} is not supported (this build reads ${LSTM_FORMAT_VERSION}); retrain with 'flowguard train'`,
    );
  const r = LstmManifest.safeParse(json);
  if (!r.success)
    throw new DataError(
      `${source}: not an LSTM model file: ${r.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; ')}`,
    );
  const m = r.data;
  const d = m.features.length;
  const H = m.hyper.hidden;
  const want: Record<WeightName, number[]> = {
    kernel: [d, 4 * H],
    recurrentKernel: [H, 4 * H],
    bias: [4 * H],
    denseKernel: [H, d],
    denseBias: [d],
  };
  for (const [name, shape] of Object.entries(want) as [WeightName, number[]][]) {
    const t = m.weights[name];
    const n = shape.reduce((a, b) => a * b, 1);
    if (t.shape.join() !== shape.join() || Buffer.from(t.float32Base64, 'base64').byteLength !== 4 * n)
      throw new DataError(`${source}: weights.${name} should have shape [${shape.join(', ')}]`);
  }
  if (m.normalisation.mean.length !== d || m.normalisation.std.length !== d || m.errorScale.length !== d)
    throw new DataError(`${source}: normalisation and errorScale need one entry per feature (${d})`);
  return m;
}

/** Reads and validates a model file. */
export function loadManifest(path: string): LstmManifest {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new DataError(`cannot read LSTM model '${path}': train one with 'flowguard train' (see --help)`, {
      cause: err,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new DataError(`LSTM model '${path}' is not JSON`, { cause: err });
  }
  return parseManifest(json, path);
}
