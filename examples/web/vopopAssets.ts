import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Plugin } from 'vite';

/**
 * Where the SDK's runtime files are served, on the app's own origin. The page passes these
 * folders to `createVopopClient`.
 */
export const vopopAssetPaths = { models: '/vopop/models/', wasm: '/vopop/tfjs/' } as const;

/**
 * The Content-Security-Policy the example is served with (docs/web.md explains each part).
 * tfjs' wasm backend compiles WebAssembly, hence 'wasm-unsafe-eval'; nothing else is relaxed.
 */
export const vopopCsp = [
  "default-src 'none'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "media-src 'self' blob:",
  "style-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

interface AssetFile {
  readonly url: string;
  readonly file: string;
}

/** The model files and tfjs' single-threaded wasm binaries, found through the installed packages. */
function assetFiles(): AssetFile[] {
  const here = path.dirname(new URL(import.meta.url).pathname);
  const fromExample = createRequire(path.join(here, 'package.json'));
  const adapterDir = path.dirname(fromExample.resolve('@vopop/web-adapter/package.json'));
  const fromAdapter = createRequire(path.join(adapterDir, 'package.json'));
  const modelsDir = path.join(path.dirname(fromAdapter.resolve('@vopop/models/package.json')), 'files');
  const wasmDir = path.join(path.dirname(fromAdapter.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  const models = readdirSync(modelsDir)
    .filter((name) => name.endsWith('.json') || name.endsWith('.bin'))
    .map((name) => ({ url: `${vopopAssetPaths.models}${name}`, file: path.join(modelsDir, name) }));
  const wasm = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm'].map((name) => ({
    url: `${vopopAssetPaths.wasm}${name}`,
    file: path.join(wasmDir, name),
  }));
  return [...models, ...wasm];
}

const contentTypes: Readonly<Record<string, string>> = {
  '.json': 'application/json',
  '.bin': 'application/octet-stream',
  '.wasm': 'application/wasm',
};

/**
 * Serves (dev) and emits (build) the SDK's model and wasm files under {@link vopopAssetPaths},
 * so the app fetches nothing from any other origin (P4, P9).
 */
export function vopopAssets(): Plugin {
  const files = assetFiles();
  return {
    name: 'vopop-assets',
    configureServer(server) {
      server.middlewares.use((request, response, next) => {
        const url = (request.url ?? '').split('?')[0];
        const asset = files.find((candidate) => candidate.url === url);
        if (!asset) return next();
        response.setHeader('Content-Type', contentTypes[path.extname(asset.file)] ?? 'application/octet-stream');
        response.end(readFileSync(asset.file));
      });
    },
    generateBundle() {
      for (const asset of files) {
        this.emitFile({ type: 'asset', fileName: asset.url.slice(1), source: readFileSync(asset.file) });
      }
    },
  };
}
