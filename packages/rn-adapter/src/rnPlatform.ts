import type {
  ConsentPolicy,
  DecodeLimits,
  FaceDetector,
  ModelBytesSource,
  ReceiptCrypto,
  Renderer,
  RemoteRendererOptions,
  Sha256Function,
  TfliteModelLoader,
  VopopPlatform,
} from '@vopop/core';
import { createTfliteFaceDetector, defaultWiperRegistry, InvalidArgumentError, RemoteRenderer } from '@vopop/core';
import { nobleReceiptCrypto } from './crypto/nobleReceiptCrypto';
import type { SkiaModule } from './decode/skiaModule';
import { SkiaImageDecoder } from './decode/skiaImageDecoder';
import type { RNFileSystem } from './files/rnFileSystem';
import type { CacheSweep } from './files/sweepCache';
import { defaultPickerCacheFolders, sweepCache } from './files/sweepCache';
import type { PickedPhoto } from './intake/takePickedPhoto';
import { takePickedPhoto } from './intake/takePickedPhoto';
import type { MediaLibraryModule } from './save/mediaLibraryModule';
import type { VideoToSave } from './save/saveToPhotoLibrary';
import { saveToPhotoLibrary } from './save/saveToPhotoLibrary';

/**
 * Options of {@link createRNPlatform}. The app passes the RN libraries' modules it imported;
 * the SDK imports none of them itself, so each stays the app's choice and version.
 *
 * @public
 */
export interface RNPlatformOptions {
  /** Files: `expoFileSystem(FileSystem)` (or a fake in tests). */
  readonly files: RNFileSystem;
  /** Decoding: `{ Skia, ColorType, AlphaType }` from `@shopify/react-native-skia`. */
  readonly skia: SkiaModule;
  /** Header limits for photos. */
  readonly decodeLimits?: DecodeLimits;
  /**
   * Detection: the TFLite runtime and the model bytes (checked against the pins), or a ready
   * {@link FaceDetector}.
   */
  readonly detector: { readonly loadModel: TfliteModelLoader; readonly models: ModelBytesSource; readonly maxFaces?: number } | FaceDetector;
  /**
   * Rendering: the rendering service (only the aligned crop leaves the phone), or any renderer.
   * Its receipts are verified with {@link nobleReceiptCrypto} unless the options name `crypto`
   * or `subtle` (Hermes has no WebCrypto).
   */
  readonly renderer: RemoteRendererOptions | Renderer;
  /** Saving: `expo-media-library`'s functions. Without it, {@link RNPlatform.saveToPhotoLibrary} refuses. */
  readonly mediaLibrary?: MediaLibraryModule;
  /** Folders of the app's cache where pickers leave copies; swept at start. Default `['ImagePicker']`. */
  readonly pickerCacheFolders?: readonly string[];
  /**
   * The app's consent requirements (accepted notice versions, minimum age), checked before any
   * byte of the photo is read (P8); `consentPolicyFor(config)` derives them from the app's SDK
   * privacy configuration.
   */
  readonly consentPolicy?: ConsentPolicy;
  /** SHA-256 for the model check. Default: `@noble/hashes`' pure-JS SHA-256 (Hermes has no WebCrypto digest). */
  readonly sha256?: Sha256Function;
}

/**
 * Everything `generateVideo` needs on a phone, plus photo intake and the opt-in save.
 *
 * @public
 */
export interface RNPlatform extends VopopPlatform, AsyncDisposable {
  readonly detector: FaceDetector;
  readonly files: RNFileSystem;
  /** What the start-up sweep removed (P6). */
  readonly swept: CacheSweep;
  /**
   * Read a picked photo into SDK-owned memory and delete the picker's cached copy; the result's
   * receipt lists the deletion. Pass `bytes` to `generateVideo`.
   */
  takePickedPhoto(uri: string): Promise<PickedPhoto>;
  /**
   * Add the video to the photo library, asking for add-only permission now. Call it only when
   * the person chose to save; `PermissionDeniedError` when they refuse.
   */
  saveToPhotoLibrary(video: VideoToSave): Promise<void>;
}

function isFaceDetector(value: RNPlatformOptions['detector']): value is FaceDetector {
  return typeof (value as FaceDetector).detect === 'function';
}

function isRenderer(value: RNPlatformOptions['renderer']): value is Renderer {
  return typeof (value as Renderer).render === 'function';
}

/** The service's options, with the pure-JS receipt cryptography unless the app chose its own. */
function withReceiptCrypto(options: RemoteRendererOptions, crypto: ReceiptCrypto): RemoteRendererOptions {
  return options.crypto !== undefined || options.subtle !== undefined ? options : { ...options, crypto };
}

/**
 * Wire the React Native ports: sweep what an earlier run left in the cache, decode with Skia,
 * detect with MediaPipe's TFLite models (verified by SHA-256 first), render through the
 * rendering service. `generateVideo(options, platform)` is the same call as on Node.
 *
 * @example
 * ```ts
 * await using platform = await createRNPlatform({ files, skia, detector, renderer, mediaLibrary });
 * const picked = await platform.takePickedPhoto(asset.uri);
 * const result = await generateVideo({ photo: picked.bytes, consent }, platform);
 * ```
 * @public
 */
export async function createRNPlatform(options: RNPlatformOptions): Promise<RNPlatform> {
  const { files } = options;
  const crypto = nobleReceiptCrypto();
  const swept = sweepCache(files, options.pickerCacheFolders ?? defaultPickerCacheFolders);
  // Before the detector, so that a bad renderer option leaves no loaded model behind.
  const renderer = isRenderer(options.renderer) ? options.renderer : new RemoteRenderer(withReceiptCrypto(options.renderer, crypto));
  const detector = isFaceDetector(options.detector)
    ? options.detector
    : await createTfliteFaceDetector({
        loadModel: options.detector.loadModel,
        models: options.detector.models,
        sha256: options.sha256 ?? crypto.sha256,
        ...(options.detector.maxFaces !== undefined ? { maxFaces: options.detector.maxFaces } : {}),
      });
  const { mediaLibrary } = options;
  return {
    decoder: new SkiaImageDecoder(options.skia, options.decodeLimits ? { limits: options.decodeLimits } : {}),
    detector,
    renderer,
    wipers: defaultWiperRegistry,
    ...(options.consentPolicy ? { consentPolicy: options.consentPolicy } : {}),
    files,
    swept,
    takePickedPhoto: (uri) => takePickedPhoto(files, uri),
    saveToPhotoLibrary: (video) => {
      if (!mediaLibrary) {
        return Promise.reject(new InvalidArgumentError('saveToPhotoLibrary: pass `mediaLibrary` (expo-media-library) to createRNPlatform to save videos.'));
      }
      return saveToPhotoLibrary(files, mediaLibrary, video);
    },
    async [Symbol.asyncDispose]() {
      detector[Symbol.dispose]();
    },
  };
}
