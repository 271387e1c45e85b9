/**
 * `@vopop/web-adapter`: the browser ports of the Vopop SDK. `generateVideo` runs in a module
 * Worker through comlink (photo and video transferred, never copied), photos are decoded by the
 * browser, detection runs on tfjs WebGL or wasm with model files from the app's own origin,
 * checked by SHA-256, and the video is encoded by native WebCodecs.
 *
 * @packageDocumentation
 */

// The whole core API, so that an app installs one package.
export * from '@vopop/core';

// The page's side
export { createVopopClient } from './client/createVopopClient';
export type { VopopClient, VopopClientOptions, WebGenerateOptions, WebGeneratedVideo } from './client/createVopopClient';

// The worker's side
export { exposeVopopWorker } from './worker/exposeVopopWorker';
export { installTransferHandlers } from './worker/transferHandlers';
export type {
  SerializedVopopError,
  VopopWorkerApi,
  VopopWorkerConfig,
  VopopRemoteConfig,
  VopopWorkerInfo,
  VopopWorkerRequest,
  VopopWorkerResult,
} from './worker/workerProtocol';

// Browser ports
export { createBrowserPlatform } from './createBrowserPlatform';
export type { BrowserPlatform, BrowserPlatformOptions } from './createBrowserPlatform';
export { BrowserImageDecoder } from './decode/browserImageDecoder';
export type { BrowserImageDecoderOptions } from './decode/browserImageDecoder';
export { FetchTemplateAssets } from './templates/fetchTemplateAssets';
export type { FetchTemplateAssetsOptions } from './templates/fetchTemplateAssets';
export { loadTemplateUrl } from './templates/loadTemplateUrl';
export type { LoadedTemplateUrl, LoadTemplateUrlOptions } from './templates/loadTemplateUrl';
export { browserSha256, fetchModelBytesSource } from './detect/browserModelSource';
export type { FetchModelSourceOptions } from './detect/browserModelSource';
export { useBrowserTfjsBackend } from './detect/browserTfjsBackend';
export type { BrowserTfjsBackend, BrowserTfjsBackendOptions } from './detect/browserTfjsBackend';
export {
  browserWipers,
  imageBitmapWiper,
  objectUrlWiper,
  offscreenCanvasWiper,
  registerBrowserWipers,
  videoFrameWiper,
} from './purge/browserWipers';
