/**
 * `@vopop/models`: the pinned face detector, landmark and selfie segmentation model files, and
 * the SHA-256 manifest that every byte is checked against before use. Platform-free: the Node file
 * locations live in the `./node` entry (`src/node.ts`).
 *
 * @packageDocumentation
 */

export { modelFileNames, modelFilesFor, modelGraphFiles, modelManifest } from './manifest';
export type { ModelFileEntry, ModelRole } from './manifest';
