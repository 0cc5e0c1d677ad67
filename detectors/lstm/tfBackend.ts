import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

/** The tfjs namespace, for modules that need it after `useBackend`. */
export { tf };

/**
 * Selects a tfjs backend: wasm (its .wasm binaries are read from the installed package's dist
 * folder, never fetched), else the plain-JS cpu backend with a warning. Returns the backend in use.
 */
export async function useBackend(
  prefer: 'wasm' | 'cpu' = 'wasm',
  warn: (line: string) => void = (l) => console.error(l),
): Promise<string> {
  if (prefer === 'wasm') {
    try {
      const pkg = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json');
      setWasmPaths(join(dirname(pkg), 'dist') + '/');
      if (await tf.setBackend('wasm')) {
        await tf.ready();
        return tf.getBackend();
      }
      warn('tfjs wasm backend did not initialise; falling back to the (much slower) cpu backend');
    } catch (err) {
      warn(
        `tfjs wasm backend failed (${err instanceof Error ? err.message : String(err)}); falling back to cpu`,
      );
    }
  }
  await tf.setBackend('cpu');
  await tf.ready();
  return tf.getBackend();
}
