/**
 * `@vopop/core`: the platform-free heart of the Vopop SDK.
 *
 * @packageDocumentation
 */

// Ephemeral data
export { EphemeralHandle } from './purge/ephemeralHandle';
export type { HandleAdopter, HoldOptions } from './purge/ephemeralHandle';
export { EphemeralScope } from './purge/ephemeralScope';
export type { ScopeOptions } from './purge/ephemeralScope';
export type { HandleKind } from './purge/handleKind';
export type {
  PurgeOutcome,
  PurgeReceipt,
  PurgeRecord,
  PurgeTotals,
} from './purge/purgeReceipt';
export type { WipeOutcome, Wiper } from './purge/wiper';
export { WiperRegistry, defaultWiperRegistry } from './purge/wiperRegistry';
export {
  arrayBufferWiper,
  bufferWipers,
  dataViewWiper,
  typedArrayWiper,
} from './purge/bufferWipers';
export type { AnyTypedArray } from './purge/bufferWipers';
export { isAllZero } from './purge/zeroFill';
export { LeakDetector, leakDetector } from './purge/leakDetector';
export type { LeakReport, LeakReporter } from './purge/leakDetector';
export type { Clock } from './ports/clock';
export { systemClock } from './ports/clock';

// Ports (implemented by adapters)
export type { RgbaImage } from './ports/rgbaImage';
export type { DecodeLimits, ImageDecoder } from './ports/imageDecoder';
export type { TempFile, TempStore } from './ports/tempStore';

// Image codecs (exports below)
export { decodePng } from './decode/decodePng';
export type { PngDecodeOptions } from './decode/decodePng';
export { SandboxedImageDecoder } from './decode/sandboxedImageDecoder';
export type { PhotoCodecModules, SandboxedImageDecoderOptions } from './decode/sandboxedImageDecoder';
export { compilePhotoCodecModules } from './decode/compactWasmMemory';
export type { SandboxRelease } from './decode/wasmSandbox';
export { readExifOrientation } from './decode/exifOrientation';
export type { ExifOrientation } from './decode/exifOrientation';
export { orientRgba, orientedSize } from './decode/orientRgba';
export {
  checkPhotoLimits,
  photoDecodeLimits,
  photoEndsEarly,
  readPhotoHeader,
  resolvePhotoLimits,
} from './decode/photoHeader';
export type { PhotoFormat, PhotoHeader } from './decode/photoHeader';
export { sniffImageFormat } from './decode/sniffImageFormat';
export { preparePhotoDecode } from './decode/preparePhotoDecode';
export type { PreparedPhotoDecode } from './decode/preparePhotoDecode';

// Privacy
export { assertConsent } from './privacy/consentRecord';
export type { ConsentRecord } from './privacy/consentRecord';
export { parseConsentPolicy } from './privacy/consentPolicy';
export type { ConsentPolicy } from './privacy/consentPolicy';
export { TelemetryRecorder } from './telemetry/telemetryRecorder';
export type { TelemetryFlushOutcome, TelemetryRecorderOptions } from './telemetry/telemetryRecorder';
export { telemetryEventNames, telemetryEventSchema } from './telemetry/telemetryEvent';
export type { TelemetryEvent } from './telemetry/telemetryEvent';
export { telemetryReportSchema } from './telemetry/telemetryReport';
export type { TelemetryReport } from './telemetry/telemetryReport';
export { bucketDuration, photoSizeClass } from './telemetry/telemetryBuckets';
export { estimateTrueRate, randomizedResponse } from './telemetry/randomizedResponse';
export {
  durationBuckets,
  photoSizeClasses,
  telemetryErrorCodes,
  telemetryFeatures,
  telemetryOutcomes,
  telemetryPlatforms,
  telemetryStages,
} from './telemetry/telemetryVocabulary';
export type {
  DurationBucket,
  PhotoSizeClass,
  TelemetryFeature,
  TelemetryOutcome,
  TelemetryPlatform,
} from './telemetry/telemetryVocabulary';
export type { TelemetrySink } from './ports/telemetrySink';
export { consentPolicyFor, parseSdkPrivacyConfig, sdkPrivacyConfigSchema } from './disclosures/sdkPrivacyConfig';
export type { SdkPrivacyConfig } from './disclosures/sdkPrivacyConfig';
export { dataDeclarations } from './disclosures/dataDeclarations';
export type { DataDeclaration } from './disclosures/dataDeclarations';
export { privacyManifest } from './disclosures/privacyManifest';
export { playDataSafety } from './disclosures/playDataSafety';
export type { PlayDataSafetyAnswers } from './disclosures/playDataSafety';
export { noCollectionStatement, privacyNotice } from './disclosures/privacyNotice';
export { retentionSchedule } from './disclosures/retentionSchedule';
export { disclosureFileNames, generateDisclosures } from './disclosures/generateDisclosures';

// Detection (exports below)
export { createFaceDetector } from './detect/createFaceDetector';
export type {
  DetectOptions,
  DetectionMode,
  FaceDetector,
  FaceDetectorOptions,
  LandmarkCount,
} from './ports/faceDetector';
export type { ModelBytesSource, PinnedModelFile, Sha256Function } from './ports/modelBytesSource';
export { ModelIntegrityError } from './errors/modelIntegrityError';
export type { ModelIntegrityReason } from './errors/modelIntegrityError';
export { faceLandmarksWiper } from './detect/faceLandmarks';
export type { FaceLandmarks } from './detect/faceLandmarks';

// Segmentation (exports below)
export { createPersonSegmenter } from './segment/createPersonSegmenter';
export type { PersonSegmenter, PersonSegmenterOptions, SegmentOptions } from './segment/personSegmenter';
export { personMatteWiper } from './segment/personMatte';
export type { PersonMatte } from './segment/personMatte';

// Geometry and alignment (exports below)
export { canonicalDenseFace } from './geometry/canonicalDenseFace';
export { fivePointsFromMesh } from './align/fivePoints';
export { alignFace, faceAlignmentWiper } from './align/alignFace';
export type { AlignmentPointSet, AlignOptions, FaceAlignment } from './align/alignFace';
export { estimateHeadPose } from './align/headPose';
export type { HeadPose } from './align/headPose';
export { selectFace } from './select/selectFace';
export { defaultFacePolicy } from './select/facePolicy';
export type { FacePolicy, ResolvedFacePolicy } from './select/facePolicy';
export { NoFaceError } from './errors/noFaceError';
export { MultipleFacesError } from './errors/multipleFacesError';
export { FaceTooSmallError } from './errors/faceTooSmallError';
export { PoseOutOfRangeError } from './errors/poseOutOfRangeError';
export type { PoseLimits } from './errors/poseOutOfRangeError';
export { transformPoints } from './geometry/affine2d';
export type { Affine2D } from './geometry/affine2d';
export { canonicalFivePoints } from './geometry/canonicalFace';

// Tracking (exports below)
export { defaultTrackSmoothing, smoothPointTrack } from './tracking/smoothPointTrack';
export type { PointTrackSmoothing } from './tracking/smoothPointTrack';
export { fillTrackGaps } from './tracking/fillTrackGaps';
export type { TrackGapSummary } from './tracking/fillTrackGaps';
export { FaceTrackGapError } from './tracking/faceTrackGapError';

// Templates (exports below)
export {
  maxTemplateFrames,
  maxTemplateHeight,
  maxTemplateSeconds,
  maxTemplateWidth,
  maxMeshScale,
  minMeshScale,
  minTemplateSide,
  templateSchemaV1,
  templateSchemaV2,
} from './templates/templateSchema';
export type {
  BackgroundGenerator,
  FaceKeyframe,
  FaceTrack,
  MeshFaceTrack,
  Template,
  TemplateBackground,
  TemplateV1,
  TemplateV2,
} from './templates/templateSchema';
export { decodeMeshTrack, encodeMeshTrack } from './templates/meshTrackFile';
export type { EncodedMeshTrack, MeshDataEncoding } from './templates/meshTrackFile';
export { loadMeshTrack } from './templates/loadMeshTrack';
export { parseTemplate, safeParseTemplate } from './templates/parseTemplate';
export { parseTemplateFile } from './templates/parseTemplateFile';
export { assetPathProblem, isSafeAssetPath } from './templates/assetPath';
export { templateJsonSchema } from './templates/templateJsonSchema';
export { resolveFaceTrack } from './templates/resolveFaceTrack';
export type { ResolvedFaceTrack } from './templates/resolveFaceTrack';
export { assertMeshTrack } from './render/mesh/meshTrack';
export type { MeshPointCount, MeshTrack } from './render/mesh/meshTrack';
export { BackgroundRenderer, renderBackground } from './render/backgroundRenderer';
export { builtInTemplates, defaultTemplateId, getBuiltInTemplate } from './templates/builtInTemplates';
export { TemplateInvalidError } from './errors/templateInvalidError';
export type { TemplateIssue } from './errors/templateInvalidError';

// Compositing (exports below)
export { createFaceCompositor } from './render/compositing/faceCompositor';
export { createMeshCompositor } from './render/mesh/meshCompositor';
export type { MeshCompositor, MeshCompositorOptions } from './render/mesh/meshCompositor';
export type { RenderQuality } from './render/mesh/renderQuality';
export type { FaceCompositor, FaceCompositorOptions } from './render/compositing/faceCompositor';
export { createHeadLayer } from './render/compositing/headLayer';
export type { HeadLayerOptions } from './render/compositing/headLayer';
export { headMatteWiper } from './render/compositing/headMatte';
export type { HeadMatte } from './render/compositing/headMatte';
export type { CutoutFallbackReason, CutoutWarning } from './render/compositing/cutoutWarning';
export { FramePool, copyFrame } from './render/compositing/framePool';
export type { FramePoolOptions } from './render/compositing/framePool';
export type { LabStats } from './render/compositing/colourTransfer';

// Encoding (exports below)
export type {
  EncodedVideo,
  EncodedVideoCodec,
  VideoCodecChoice,
  VideoContainer,
  VideoEncodeOptions,
  VideoEncoderPort,
  VideoEncoderSession,
} from './ports/videoEncoder';
export { WebCodecsVideoEncoder } from './encode/webCodecsVideoEncoder';
export type {
  EncoderInputFormat,
  NativeMemoryReclaim,
  WebCodecsVideoEncoderOptions,
} from './encode/webCodecsVideoEncoder';
export { bt601LimitedColorSpace, i420ByteLength, rgbaToI420 } from './encode/bt601';
export { decodeVideo } from './encode/decodeVideo';
export type {
  DecodeVideoOptions,
  DecodedVideoInfo,
  VideoByteSource,
  VideoFrameCallback,
} from './encode/decodeVideo';
export { EncoderUnavailableError } from './errors/encoderUnavailableError';
export type { EncoderUnavailableReason } from './errors/encoderUnavailableError';
export { RenderFailedError } from './errors/renderFailedError';
export type { RenderStage } from './errors/renderFailedError';
export { RenderServiceError } from './errors/renderServiceError';
export type { RenderServiceFailure } from './errors/renderServiceError';

// Pipeline
export { generateVideo, resolveTemplate } from './pipeline/generateVideo';
export type { GenerateVideoOptions, GeneratedVideo, VopopPlatform } from './pipeline/generateVideo';
export { LocalRenderer } from './render/localRenderer';
export type { LocalRendererOptions } from './render/localRenderer';
export { generationStages } from './pipeline/generationProgress';
export type { GenerationProgress, GenerationStage, StageTimings } from './pipeline/generationProgress';
export type { RenderJob, RenderedVideo, Renderer } from './ports/renderer';

// Remote rendering (P5): the contract, the receipt, the client
export {
  attestationSchema,
  cropMediaType,
  cropSize,
  deletionReceiptPayloadSchema,
  healthSchema,
  heldArtifactKinds,
  heldArtifactSchema,
  jwksPath,
  jwksSchema,
  problemCodes,
  problemFor,
  problemSchema,
  receiptHeader,
  receiptPublicKeySchema,
  renderHeadersSchema,
  renderPath,
  renderQuerySchema,
} from './remote/remoteContract';
export type { DeletionReceiptPayload, Problem, ProblemCode, ReceiptPublicKey, RenderQuery } from './remote/remoteContract';
export { signDeletionReceipt, verifyDeletionReceipt } from './remote/deletionReceipt';
export type { ReceiptProblem, ReceiptVerification, VerifiedDeletionReceipt } from './remote/deletionReceipt';
export type { ReceiptCrypto } from './remote/receiptCrypto';
export { sha256Hex } from './remote/sha256Hex';
export { remoteOpenApiDocument } from './remote/remoteOpenApi';
export { RemoteRenderer } from './remote/remoteRenderer';
export type { RemoteRendererOptions, RemoteRetryOptions } from './remote/remoteRenderer';
export type { BackgroundFrames, BackgroundSource } from './ports/backgroundSource';
export type { TemplateAssets } from './ports/templateAssets';
export type { LoadedTemplate } from './templates/loadedTemplate';
export { RecordedBackgroundSource } from './backgrounds/recorded/recordedBackgroundSource';

// Errors
export { ImageDecodeError } from './errors/imageDecodeError';
export type { ImageDecodeFailure, SniffedImageFormat } from './errors/imageDecodeError';
export { ImageTooLargeError } from './errors/imageTooLargeError';
export type { ImageSizeLimit } from './errors/imageTooLargeError';
export { VopopError, isVopopError } from './errors/vopopError';
export type { VopopErrorCode } from './errors/vopopError';
export { PurgedError } from './errors/purgedError';
export { PurgeFailedError } from './errors/purgeFailedError';
export { InvalidArgumentError } from './errors/invalidArgumentError';
export { AbortedError } from './errors/abortedError';
export { ConsentRequiredError } from './errors/consentRequiredError';
export type { ConsentRefusalReason } from './errors/consentRequiredError';
export { GenerationFailedError } from './errors/generationFailedError';
export { TempStoreUnsafeError } from './errors/tempStoreUnsafeError';
export type { TempStoreProblem } from './errors/tempStoreUnsafeError';
export { InputFileError } from './errors/inputFileError';
export type { InputFileProblem } from './errors/inputFileError';
export { OutputWriteError } from './errors/outputWriteError';
export type { OutputWriteReason } from './errors/outputWriteError';

// Detection on a TFLite interpreter (React Native): MediaPipe's face pipeline in TypeScript
export { createTfliteFaceDetector } from './tflite/tfliteFaceDetector';
export type { TfliteFaceDetectorOptions } from './tflite/tfliteFaceDetector';
export type { TfliteModel, TfliteModelLoader } from './tflite/tfliteModel';
export { tfliteFaceModelPins, tfliteIrisModelPin } from './tflite/tfliteModelPins';
export { ModelLoadError } from './tflite/modelLoadError';
export { InferenceFailedError } from './tflite/inferenceFailedError';
