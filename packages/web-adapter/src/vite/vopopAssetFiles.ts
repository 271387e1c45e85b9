import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { modelFilePaths } from '@vopop/models/node';

/**
 * Where the SDK's runtime files are served, on the app's own origin: pass these folders to
 * `createVopopClient` as `modelsUrl` and `wasmUrl`.
 *
 * @public
 */
export const vopopAssetPaths = { models: '/vopop/models/', wasm: '/vopop/tfjs/' } as const;

/**
 * One file the page fetches at run time.
 *
 * @public
 */
export interface VopopAssetFile {
  /** The URL path it is served at, e.g. `/vopop/models/facemesh.bin`. */
  readonly url: string;
  /** Where it lies on disk, inside the installed packages. */
  readonly file: string;
}

/** tfjs' single-threaded wasm binaries: the threaded one needs cross-origin isolation, not used. */
const tfjsWasmFiles = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm'] as const;

// `__filename` in the CJS build, `import.meta.url` in the ESM build: either is a place from
// which this package's own dependencies resolve, wherever the app's package manager put them.
declare const __filename: string | undefined;

function thisModule(): string {
  return typeof __filename === 'string' ? __filename : import.meta.url;
}

/**
 * The pinned model files of `@vopop/models` and tfjs' wasm binaries, found through this
 * package's own dependencies (so the versions are the ones the worker was built against).
 *
 * @public
 */
export function vopopAssetFiles(): VopopAssetFile[] {
  const require = createRequire(thisModule());
  const wasmDir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  const models = Object.entries(modelFilePaths()).map(([name, file]) => ({ url: `${vopopAssetPaths.models}${name}`, file }));
  const wasm = tfjsWasmFiles.map((name) => ({ url: `${vopopAssetPaths.wasm}${name}`, file: join(wasmDir, name) }));
  return [...models, ...wasm];
}
