/**
 * `@vopop/node-adapter`: the Node.js ports of the Vopop SDK (tfjs backends and model files,
 * decoding, encoding, temp files). The `vopop` command line is `@vopop/cli`.
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
export { readBoundedFile } from './files/readBoundedFile';
export type { BoundedFileOptions } from './files/readBoundedFile';
export { checkOutputTarget, writeOutputFile } from './files/writeOutputFile';
export type { OutputChunkWriter, OutputTarget, OutputTargetOptions } from './files/writeOutputFile';

// Detection (exports below)
export { createNodeFaceDetector } from './detect/createNodeFaceDetector';
export type { NodeFaceDetectorOptions } from './detect/createNodeFaceDetector';
export { createNodePersonSegmenter } from './detect/createNodePersonSegmenter';
export type { NodePersonSegmenterOptions } from './detect/createNodePersonSegmenter';
export { useNodeTfjsBackend } from './detect/nodeTfjsBackend';
export type { NodeTfjsBackend } from './detect/nodeTfjsBackend';
export { nodeModelBytesSource, nodeModelFilesDir } from './detect/nodeModelSource';
export { nodeSha256 } from './detect/nodeSha256';

// Decoding (the default leaves no copy of the photo in memory; sharp is the faster alternative)
export { WasmImageDecoder, loadNodePhotoCodecModules } from './decode/wasmImageDecoder';
export type { WasmImageDecoderOptions } from './decode/wasmImageDecoder';
export { NodeImageDecoder } from './decode/nodeImageDecoder';
export type { NodeImageDecoderOptions } from './decode/nodeImageDecoder';
export { defaultDecodeLimits } from './decode/decodeLimits';
// Core's header reader under the names this package has always exported.
export { readPhotoHeader as readImageHeader } from '@vopop/core';
export type { PhotoHeader as ImageHeader } from '@vopop/core';
export type { DecodableImageFormat } from './decode/nodeImageDecoder';

// Video encoding and decoding (WebCodecs from the optional @napi-rs/webcodecs)
export { installWebCodecs } from './encode/installWebCodecs';
export type { WebCodecsInstallation } from './encode/installWebCodecs';
export { createNodeVideoEncoder } from './encode/nodeVideoEncoder';
export type { NodeVideoEncoderOptions } from './encode/nodeVideoEncoder';
export { decodeVideoFile } from './templates/decodeVideoFile';
export type { DecodeVideoFileHandlers } from './templates/decodeVideoFile';

// Template building (exports below)
export { buildTemplateFromVideo } from './templateBuild/buildTemplateFromVideo';
export type {
  BuildTemplateOptions,
  TemplateBuildProgress,
  TemplateBuildResult,
} from './templateBuild/buildTemplateFromVideo';

// Templates on disk
export { NodeTemplateAssets } from './templates/nodeTemplateAssets';
export { loadTemplateFile } from './templates/loadTemplateFile';
export type { LoadTemplateOptions, LoadedTemplateFile, TemplateAsset } from './templates/loadTemplateFile';
