import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { Plugin } from 'vite';
import { vopopAssetFiles } from './vopopAssetFiles';
import { createVopopCsp } from './vopopCsp';

/**
 * Options of {@link vopopAssets}.
 *
 * @public
 */
export interface VopopAssetsOptions {
  /**
   * Send {@link createVopopCsp}'s policy with every response of `vite preview` (default `true`),
   * so that the built app is tried under the policy it will be deployed with. The dev server is
   * left alone: Vite's own client injects inline styles that the policy forbids.
   */
  readonly previewCsp?: boolean;
  /** The rendering services the app calls in remote mode: their origins join the preview CSP's `connect-src`. */
  readonly remoteEndpoints?: readonly (string | URL)[];
}

const contentTypes: Readonly<Record<string, string>> = {
  '.json': 'application/json',
  '.bin': 'application/octet-stream',
  '.wasm': 'application/wasm',
};

/**
 * Vite plugin: serves (dev) and emits (build) the SDK's model and wasm files under
 * `vopopAssetPaths`, so that the app fetches nothing from any other origin (P4, P9).
 *
 * @example
 * ```ts
 * // vite.config.ts
 * import { defineConfig } from 'vite';
 * import { vopopAssets } from '@vopop/web-adapter/vite';
 *
 * export default defineConfig({ plugins: [vopopAssets()], worker: { format: 'es' } });
 * ```
 * @public
 */
export function vopopAssets(options: VopopAssetsOptions = {}): Plugin {
  const files = vopopAssetFiles();
  const csp = createVopopCsp(options.remoteEndpoints ? { remoteEndpoints: options.remoteEndpoints } : {});
  return {
    name: 'vopop-assets',
    configureServer(server) {
      server.middlewares.use((request, response, next) => {
        const url = (request.url ?? '').split('?')[0];
        const asset = files.find((candidate) => candidate.url === url);
        if (!asset) return next();
        response.setHeader('Content-Type', contentTypes[extname(asset.file)] ?? 'application/octet-stream');
        response.end(readFileSync(asset.file));
      });
    },
    configurePreviewServer(server) {
      if (options.previewCsp === false) return;
      server.middlewares.use((_request, response, next) => {
        response.setHeader('Content-Security-Policy', csp);
        next();
      });
    },
    generateBundle() {
      for (const asset of files) {
        this.emitFile({ type: 'asset', fileName: asset.url.slice(1), source: readFileSync(asset.file) });
      }
    },
  };
}
