/**
 * `@vopop/node-adapter`: the Node.js ports of the Vopop SDK (tfjs backends and model files,
 * decoding, encoding, temp files) and the `vopop` CLI.
 *
 * @packageDocumentation
 */

// The whole core API, so that an app installs one package.
export * from '@vopop/core';

// Platform
export { createNodePlatform } from './nodePlatform';
export type { NodePlatform, NodePlatformOptions } from './nodePlatform';
export { NodeTempStore } from './tempStore/nodeTempStore';
export type { NodeTempStoreOptions } from './tempStore/nodeTempStore';
export { readPhotoFile } from './files/readPhotoFile';
export type { ReadPhotoFileOptions } from './files/readPhotoFile';
export { checkOutputTarget, writeOutputFile } from './files/writeOutputFile';
export type { OutputChunkWriter, OutputTarget, OutputTargetOptions } from './files/writeOutputFile';

// Detection (exports below)
export { createNodeFaceDetector } from './tfjs/createNodeFaceDetector';
export type { NodeFaceDetectorOptions } from './tfjs/createNodeFaceDetector';
export { useNodeTfjsBackend } from './tfjs/nodeTfjsBackend';
export type { NodeTfjsBackend } from './tfjs/nodeTfjsBackend';
export { nodeModelBytesSource, nodeModelFilesDir } from './tfjs/nodeModelSource';
export { nodeSha256 } from './tfjs/nodeSha256';

// Decoding (the default leaves no copy of the photo in memory; sharp is the faster alternative)
export { WasmImageDecoder, loadNodePhotoCodecModules } from './wasmDecode/wasmImageDecoder';
export type { WasmImageDecoderOptions } from './wasmDecode/wasmImageDecoder';
export { NodeImageDecoder } from './decode/nodeImageDecoder';
export type { NodeImageDecoderOptions } from './decode/nodeImageDecoder';
export { defaultDecodeLimits } from './decode/decodeLimits';
// Core's header reader under the names this package has always exported.
export { readPhotoHeader as readImageHeader } from '@vopop/core';
export type { PhotoHeader as ImageHeader } from '@vopop/core';
export type { DecodableImageFormat } from './decode/nodeImageDecoder';

// Video encoding and decoding (WebCodecs from the optional @napi-rs/webcodecs)
export { installWebCodecs } from './webcodecs/installWebCodecs';
export type { WebCodecsInstallation } from './webcodecs/installWebCodecs';
export { createNodeVideoEncoder } from './webcodecs/nodeVideoEncoder';
export type { NodeVideoEncoderOptions } from './webcodecs/nodeVideoEncoder';
export { decodeVideoFile } from './video/decodeVideoFile';
export type { DecodeVideoFileHandlers } from './video/decodeVideoFile';

// Template building (exports below)
export { buildTemplateFromVideo } from './templateBuild/buildTemplateFromVideo';
export type {
  BuildTemplateOptions,
  TemplateBuildProgress,
  TemplateBuildResult,
} from './templateBuild/buildTemplateFromVideo';

// Templates on disk
export { NodeBackgroundSource } from './templates/nodeBackgroundSource';
export { NodeTemplateAssets } from './templates/nodeTemplateAssets';
export { loadTemplateFile } from './templates/loadTemplateFile';
export type { LoadTemplateOptions, LoadedTemplate, TemplateAsset } from './templates/loadTemplateFile';
