/**
 * `@vopop/rn-adapter`: the React Native ports of the Vopop SDK. Photo intake that deletes the
 * picker's cached copy, Skia decoding, MediaPipe face detection on TFLite, the remote renderer,
 * cache cleanup through `expo-file-system`, and saving to the photo library only on request.
 * Each port sits over a maintained RN library the app passes in, with an in-memory fake of the
 * same interface for tests.
 *
 * @packageDocumentation
 */

// The whole core API, so that an app installs one package.
export * from '@vopop/core';

// Platform
export { createRNPlatform } from './rnPlatform';
export type { RNPlatform, RNPlatformOptions } from './rnPlatform';
export { PermissionDeniedError } from './errors/permissionDeniedError';

// Files and photo intake (expo-file-system)
export type { RNFileSystem } from './files/rnFileSystem';
export { expoFileSystem } from './files/expoFileSystem';
export type { ExpoFileSystemModule } from './files/expoFileSystem';
export { defaultPickerCacheFolders } from './files/sweepCache';
export type { CacheSweep } from './files/sweepCache';
export { takePickedPhoto } from './intake/takePickedPhoto';
export type { PickedPhoto } from './intake/takePickedPhoto';

// Decoding (@shopify/react-native-skia)
export { SkiaImageDecoder } from './decode/skiaImageDecoder';
export type { SkiaData, SkiaImage, SkiaModule } from './decode/skiaModule';

// Receipt verification and hashing without WebCrypto (@noble/curves, @noble/hashes)
export { nobleReceiptCrypto } from './crypto/nobleReceiptCrypto';

// Detection (react-native-fast-tflite)
export { fastTfliteLoader, tfliteModelSource } from './detect/fastTflite';
export type { FastTfliteModule } from './detect/fastTflite';

// Saving (expo-media-library), only on request
export { saveToPhotoLibrary } from './save/saveToPhotoLibrary';
export type { VideoToSave } from './save/saveToPhotoLibrary';
export type { MediaLibraryModule } from './save/mediaLibraryModule';

// In-memory fakes of each port, for tests (the pattern react-native-mmkv uses)
export { createFakeFileSystem } from './files/fakeFileSystem';
export type { FakeFileSystem, FakeFileSystemFailures } from './files/fakeFileSystem';
export { createFakeSkia } from './decode/fakeSkia';
export type { FakeSkia } from './decode/fakeSkia';
export { createFakeTflite } from './detect/fakeTflite';
export type { FakeTflite, FakeTfliteRun } from './detect/fakeTflite';
export { createFakeMediaLibrary } from './save/fakeMediaLibrary';
export type { FakeMediaLibrary } from './save/fakeMediaLibrary';
