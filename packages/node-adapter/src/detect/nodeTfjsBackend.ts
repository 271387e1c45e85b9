import * as tf from '@tensorflow/tfjs-core';

/**
 * A tfjs backend the Node adapter can run detection on. `'wasm'` is several times faster than
 * `'cpu'` (pure JavaScript), which remains as the fallback where WebAssembly cannot start.
 *
 * @public
 */
export type NodeTfjsBackend = 'wasm' | 'cpu';

async function register(name: NodeTfjsBackend): Promise<void> {
  // The backend packages register themselves with tfjs-core's global registry on import; the
  // imports are lazy so that a process never loads a backend it does not use.
  if (name === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  else await import('@tensorflow/tfjs-backend-cpu');
}

/**
 * The cpu backend prints an "install tfjs-node" banner on its first tensor write in Node. We
 * choose the cpu backend on purpose (a fallback), so the advice is noise for an SDK user; mark
 * the backend as already used instead of muting the console or tfjs' warnings globally.
 */
function quietCpuBanner(): void {
  const backend = tf.backend() as { firstUse?: unknown };
  if (typeof backend.firstUse === 'boolean') backend.firstUse = false;
}

/**
 * Make `backend` the active tfjs backend, loading and initialising it on first use. Without a
 * preference, wasm is tried first and cpu is used if wasm cannot start. The wasm binaries are
 * found in the installed `@tensorflow/tfjs-backend-wasm` package by the backend itself in Node:
 * nothing is fetched.
 *
 * @returns The name of the backend now active.
 * @throws Error when the requested backend cannot be initialised.
 * @public
 */
export async function useNodeTfjsBackend(backend?: NodeTfjsBackend): Promise<NodeTfjsBackend> {
  const candidates: NodeTfjsBackend[] = backend ? [backend] : ['wasm', 'cpu'];
  let lastError: unknown;
  for (const name of candidates) {
    try {
      if (tf.getBackend() !== name || !tf.findBackend(name)) {
        await register(name);
        // setBackend resolves false (rather than throwing) when initialisation fails.
        if (!(await tf.setBackend(name))) throw new Error(`The tfjs '${name}' backend could not start.`);
      }
      await tf.ready();
      if (name === 'cpu') quietCpuBanner();
      return name;
    } catch (error) {
      lastError = error;
    }
  }
  throw new Error(
    `No tfjs backend could start (tried ${candidates.join(', ')}).`,
    { cause: lastError },
  );
}
