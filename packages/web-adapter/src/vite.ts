/**
 * `@vopop/web-adapter/vite`: what a Vite app needs to serve the SDK's runtime files from its
 * own origin — the plugin, the URL folders to pass to `createVopopClient`, and the
 * Content-Security-Policy. Node-only (it runs in the bundler), so it is a separate entry that
 * browser bundles never see.
 *
 * @packageDocumentation
 */
export { vopopAssets } from './vite/vopopAssets';
export type { VopopAssetsOptions } from './vite/vopopAssets';
export { vopopAssetFiles, vopopAssetPaths } from './vite/vopopAssetFiles';
export type { VopopAssetFile } from './vite/vopopAssetFiles';
export { createVopopCsp, vopopCsp } from './vite/vopopCsp';
export type { VopopCspOptions } from './vite/vopopCsp';
