import { tf } from './tfBackend.ts';
import { decodeFloat32, encodeFloat32, type LstmHyper, type LstmManifest } from './manifest.ts';

/**
 * The network as tfjs layers: LSTM over the window (all steps returned) and a dense read-out per
 * step predicting the next standardised vector. Initialisers are seeded, so the same seed gives
 * the same starting weights.
 */
export function buildNetwork(d: number, hyper: LstmHyper, seed: number, batchWindow?: number): tf.Sequential {
  const net = tf.sequential();
  net.add(
    tf.layers.lstm({
      units: hyper.hidden,
      returnSequences: true,
      inputShape: [batchWindow ?? hyper.window, d],
      recurrentActivation: hyper.recurrentActivation,
      kernelInitializer: tf.initializers.glorotUniform({ seed }),
      recurrentInitializer: tf.initializers.orthogonal({ seed: seed + 1 }),
      unitForgetBias: true,
    }),
  );
  net.add(
    tf.layers.timeDistributed({
      layer: tf.layers.dense({
        units: d,
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 2 }),
      }),
    }),
  );
  return net;
}

/** Weight order of `buildNetwork`'s `getWeights()`. */
export const WEIGHT_ORDER = ['kernel', 'recurrentKernel', 'bias', 'denseKernel', 'denseBias'] as const;

/** A tfjs network carrying a model file's weights, for batch inference over windows of `window` steps. */
export function networkOf(m: LstmManifest, window = m.hyper.window): tf.Sequential {
  const net = buildNetwork(m.features.length, m.hyper, m.seed, window);
  const ws = WEIGHT_ORDER.map((k) =>
    tf.tensor(decodeFloat32(m.weights[k].float32Base64), m.weights[k].shape),
  );
  net.setWeights(ws);
  tf.dispose(ws);
  return net;
}

/** A network's weights in the model file's layout. */
export function packWeights(net: tf.LayersModel): LstmManifest['weights'] {
  const ws = net.getWeights();
  return Object.fromEntries(
    WEIGHT_ORDER.map((k, i) => [
      k,
      { shape: ws[i]!.shape, float32Base64: encodeFloat32(ws[i]!.dataSync() as Float32Array) },
    ]),
  ) as LstmManifest['weights'];
}
