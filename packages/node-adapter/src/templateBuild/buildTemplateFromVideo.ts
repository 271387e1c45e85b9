import type {
  FaceDetector,
  LandmarkCount,
  PointTrackSmoothing,
  PurgeReceipt,
  PurgeTotals,
  Template,
  TemplateIssue,
} from '@vopop/core';
import {
  AbortedError,
  EphemeralScope,
  InvalidArgumentError,
  TemplateInvalidError,
  decodeMeshTrack,
  defaultTrackSmoothing,
  encodeMeshTrack,
  fillTrackGaps,
  maxTemplateFrames,
  maxTemplateHeight,
  maxTemplateSeconds,
  maxTemplateWidth,
  minTemplateSide,
  parseTemplate,
  smoothPointTrack,
} from '@vopop/core';
import { createNodeFaceDetector } from '../detect/createNodeFaceDetector';
import type { NodeTfjsBackend } from '../detect/nodeTfjsBackend';
import { decodeVideoFile, openVideoFile } from '../templates/decodeVideoFile';
import { chooseNeutralFrame } from './chooseNeutralFrame';
import { commitTemplateOutput, planTemplateOutput } from './templateOutput';

/**
 * Progress of {@link buildTemplateFromVideo}, once per decoded frame. The frame count is not
 * known before the video has been read to the end, so this counts up rather than giving a
 * fraction.
 *
 * @public
 */
export interface TemplateBuildProgress {
  /** Frames tracked so far. */
  readonly frames: number;
  /** Of those, frames in which a face was found. */
  readonly facesFound: number;
  /** Time of the latest frame in the video, seconds. */
  readonly timestampSec: number;
}

/**
 * Options of {@link buildTemplateFromVideo}.
 *
 * @public
 */
export interface BuildTemplateOptions {
  /** Where to write the manifest (conventionally `template.json`); its folder is created. */
  readonly output: string;
  /**
   * Replace an existing manifest, or a different file under the background copy's name.
   * Default false: an existing manifest is an `OutputWriteError` (`'exists'`) before any frame is
   * decoded. A link, folder or device is never replaced.
   */
  readonly force?: boolean;
  /** The template's id, a slug (`a-z`, `0-9`, inner hyphens). Also names a copied video. */
  readonly id: string;
  /** Human-readable name, 1–80 characters. */
  readonly title: string;
  /** Licence of the template (of the video, above all): an SPDX id or a short text. */
  readonly licence: string;
  /**
   * One-Euro smoothing of the track, or `false` to keep the raw detections (gaps still
   * filled). Default {@link defaultTrackSmoothing}.
   */
  readonly smoothing?: PointTrackSmoothing | false;
  /**
   * The longest stretch without a face that is filled in by interpolation, in seconds. Longer
   * gaps fail with `FaceTrackGapError`. Default 0.5.
   */
  readonly maxGapSeconds?: number;
  /** Feather of the face-oval mask in the manifest, 0–0.5. Default 0.1. */
  readonly feather?: number;
  /** Colour-match strength in the manifest, 0–1. Default 0.5. */
  readonly colourMatch?: number;
  /**
   * The frame whose face is at rest (eyes open, mouth closed, facing the camera), which the mesh
   * renderer measures expressions from. Default: chosen from the track (the frame with the
   * mouth most closed, the head least turned and no blink).
   */
  readonly neutralFrame?: number;
  /**
   * A detector to use, in `'tracking'` mode; it is reset before and after but not disposed. Its
   * landmark count (468, or 478 with irises) is the track's point count.
   * Default: one created (and disposed) for this call, with 478 landmarks, tracking one face.
   */
  readonly detector?: FaceDetector;
  /** tfjs backend of the detector created when none is given. */
  readonly backend?: NodeTfjsBackend;
  /** Stops the build: it rejects with `AbortedError` and writes nothing. */
  readonly signal?: AbortSignal;
  /** Called after each frame. */
  readonly onProgress?: (progress: TemplateBuildProgress) => void;
}

/**
 * What {@link buildTemplateFromVideo} wrote and found.
 *
 * @public
 */
export interface TemplateBuildResult {
  /** The manifest as written, validated by `parseTemplate`. */
  readonly template: Template;
  /** Absolute path of the manifest. */
  readonly manifestPath: string;
  /** Absolute path of the background video the manifest names. */
  readonly videoPath: string;
  /** Absolute path of the mesh track's data file the manifest names. */
  readonly meshPath: string;
  /** Whether the video was copied (or, given as bytes, saved) next to the manifest. */
  readonly copiedVideo: boolean;
  /** The input's video codec, as mediabunny names it (`'avc'`, `'vp9'`, …). */
  readonly codec: string;
  /** Frames in which the detector found the face. */
  readonly detectedFrames: number;
  /** Frames without a detection, filled in by interpolation. */
  readonly filledFrames: number;
  /** How the build's own buffers (the raw and smoothed tracks) were wiped. */
  readonly receipt: PurgeReceipt;
  /**
   * Totals over the per-frame scopes: every decoded frame and every landmark set found in it,
   * each wiped before the next frame was decoded.
   */
  readonly framePurge: PurgeTotals;
}

const defaultMaxGapSeconds = 0.5;
const defaultFeather = 0.1;
const defaultColourMatch = 0.5;
const defaultLandmarks: LandmarkCount = 478;
/** Frames the mesh buffer starts with (10 s at 30 fps); it doubles as the video goes on. */
const initialFrames = 300;

/** The manifest's `faceTrack.data`, before the file is written. */
type MeshData = ReturnType<typeof encodeMeshTrack>['data'] & { readonly path: string };

/** A manifest that is valid whatever the video turns out to be, to check the caller's fields early. */
function draftManifest(
  options: BuildTemplateOptions,
  fields: {
    width: number;
    height: number;
    fps: number;
    frameCount: number;
    assetPath: string;
    pointCount: LandmarkCount;
    neutralFrame: number;
    data: MeshData;
  },
): unknown {
  return {
    format: 'vopop-template',
    version: 2,
    id: options.id,
    title: options.title,
    licence: options.licence,
    width: fields.width,
    height: fields.height,
    fps: fields.fps,
    frameCount: fields.frameCount,
    background: { kind: 'video', path: fields.assetPath },
    faceTrack: {
      kind: 'mesh',
      pointCount: fields.pointCount,
      neutralFrame: fields.neutralFrame,
      data: fields.data,
      // A recorded face has its own mouth and eyes in every frame: the renderer takes them from there.
      regions: { mouth: 'frame', eyes: 'frame' },
    },
    mask: { shape: 'faceOval', feather: options.feather ?? defaultFeather },
    colourMatch: { strength: options.colourMatch ?? defaultColourMatch },
  };
}

function manifestText(template: Template): string {
  return `${JSON.stringify(template, null, 2)}\n`;
}

function addTotals(sum: { -readonly [K in keyof PurgeTotals]: number }, add: PurgeTotals): void {
  for (const key of Object.keys(sum) as (keyof PurgeTotals)[]) sum[key] += add[key];
}

function sizeIssues(width: number, height: number): TemplateIssue[] {
  const issues: TemplateIssue[] = [];
  const check = (name: 'width' | 'height', value: number, max: number) => {
    if (value < minTemplateSide || value > max || value % 2 !== 0) {
      issues.push({
        path: name,
        message: `the video's ${name} is ${value} px; a template needs an even ${name} from ${minTemplateSide} to ${max} px (scale the video first)`,
      });
    }
  };
  check('width', width, maxTemplateWidth);
  check('height', height, maxTemplateHeight);
  return issues;
}

function requireOptions(options: BuildTemplateOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('buildTemplateFromVideo needs options { output, id, title, licence }.');
  }
  if (typeof options.output !== 'string' || options.output === '') {
    throw new InvalidArgumentError('buildTemplateFromVideo: options.output must name the manifest file to write.');
  }
  const gap = options.maxGapSeconds ?? defaultMaxGapSeconds;
  if (typeof gap !== 'number' || !Number.isFinite(gap) || gap < 0 || gap > maxTemplateSeconds) {
    throw new InvalidArgumentError(`buildTemplateFromVideo: maxGapSeconds must be from 0 to ${maxTemplateSeconds}.`);
  }
  if (options.detector !== undefined && options.detector.mode !== 'tracking') {
    throw new InvalidArgumentError("buildTemplateFromVideo: the detector must be created with mode: 'tracking'.");
  }
  if (options.smoothing !== undefined && options.smoothing !== false) {
    // Bad parameters fail now, on a dummy track, rather than after the whole video was read.
    smoothPointTrack(new Float64Array(6), 3, 30, options.smoothing);
  }
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') {
    throw new InvalidArgumentError('buildTemplateFromVideo: onProgress must be a function.');
  }
  const neutral = options.neutralFrame;
  if (neutral !== undefined && (!Number.isInteger(neutral) || neutral < 0 || neutral >= maxTemplateFrames)) {
    throw new InvalidArgumentError(`buildTemplateFromVideo: neutralFrame must be a frame index from 0 to ${maxTemplateFrames - 1}.`);
  }
}

/**
 * Build a template (format 2) from a real video: the video becomes the background, and the face
 * in it, tracked frame by frame, becomes a `'mesh'` face track (every mesh point, x, y and z,
 * in every frame), so that a user's face is later placed where the actor's was and follows its
 * head and expression.
 *
 * The video is decoded one frame at a time and the face detector runs on each frame in tracking
 * mode. Frames and landmarks are personal data of the person filmed: each frame's pixels and
 * landmarks are held in an ephemeral scope and wiped before the next frame is decoded, and the
 * raw and smoothed tracks are wiped once the template is written. Frames without a face are
 * interpolated up to `maxGapSeconds`; the track is then smoothed with a One-Euro filter per
 * coordinate. The manifest is validated with `parseTemplate`, the mesh data checked by
 * `decodeMeshTrack`, and both written atomically with the background video (copied next to the
 * manifest unless it already lies in the manifest's folder) and the mesh data file
 * (`<id>.mesh.bin`, int16le); on any failure nothing is written.
 *
 * Size, fps (rounded to whole frames per second) and frame count come from the video; it must
 * fit a template (even sides up to 1080×1920, at most 60 s, 1–60 fps).
 *
 * @throws `RenderFailedError` (stage `'decode'`) for a file that is not an MP4, MOV or WebM
 * video or cannot be decoded; `NoFaceError` when no frame holds a face, `FaceTrackGapError`
 * (code `NO_FACE`) when the face is missing for too long; `TemplateInvalidError` for a bad id,
 * title or licence, or a video that does not fit a template; `InputFileError` for a video path
 * that is missing, unreadable, not a regular file (a FIFO, a device, a folder) or over 1 GiB;
 * `InvalidArgumentError` for bad options or a name clash in the output folder;
 * `OutputWriteError` for an output that exists (without `force`), is a link, folder or
 * device, or cannot be written (checked before decoding; the write itself leaves no partial
 * file); `AbortedError`;
 * `EncoderUnavailableError` without `@napi-rs/webcodecs`.
 *
 * @example
 * ```ts
 * const { template } = await buildTemplateFromVideo('dance.mp4', {
 *   output: 'templates/dance/template.json', id: 'dance', title: 'Dance', licence: 'CC-BY-4.0',
 * });
 * ```
 * @public
 */
export async function buildTemplateFromVideo(
  video: Uint8Array | string,
  options: BuildTemplateOptions,
): Promise<TemplateBuildResult> {
  requireOptions(options);
  if (!(video instanceof Uint8Array) && typeof video !== 'string') {
    throw new InvalidArgumentError('buildTemplateFromVideo takes the video as a Uint8Array or a file path.');
  }
  const { signal, onProgress } = options;
  if (signal?.aborted) throw new AbortedError(signal.reason);
  // Before anything opens the video by name: a FIFO, a device, a folder or a file over 1 GiB is
  // refused here, unread, instead of blocking or streaming without end.
  if (typeof video === 'string') await (await openVideoFile(video)).handle.close();
  const plan = await planTemplateOutput(video, options.output, options.id, options.force === true);
  // The caller's own fields are checked now, not after a minute of tracking.
  parseTemplate(
    draftManifest(options, {
      width: 64,
      height: 64,
      fps: 1,
      frameCount: 1,
      assetPath: plan.assetPath,
      pointCount: defaultLandmarks,
      neutralFrame: 0,
      data: { path: plan.meshAssetPath, encoding: 'int16le', scale: 1 / 16, sha256: '0'.repeat(64) },
    }),
  );

  const scope = new EphemeralScope({ label: 'template-build' });
  const ownDetector = options.detector === undefined;
  let detector: FaceDetector | undefined;
  try {
    detector =
      options.detector ??
      (await createNodeFaceDetector({
        mode: 'tracking',
        landmarks: defaultLandmarks,
        maxFaces: 1,
        ...(options.backend ? { backend: options.backend } : {}),
        ...(signal ? { signal } : {}),
      }));
    detector.reset();
    const tracker = detector;
    const pointCount = tracker.landmarks;
    const stride = pointCount * 3;
    // Grows by doubling as the video goes on; each outgrown buffer is wiped at once.
    let track = scope.hold(new Float32Array(initialFrames * stride), { kind: 'landmarks', label: 'template-build.track' });
    let found = scope.hold(new Uint8Array(initialFrames), { kind: 'buffer', label: 'template-build.found' });
    const ensureRoom = (frames: number) => {
      if (frames <= found.value.length) return;
      const capacity = Math.min(maxTemplateFrames, 2 * found.value.length);
      const grownTrack = scope.hold(new Float32Array(capacity * stride), { kind: 'landmarks', label: 'template-build.track' });
      const grownFound = scope.hold(new Uint8Array(capacity), { kind: 'buffer', label: 'template-build.found' });
      grownTrack.value.set(track.value);
      grownFound.value.set(found.value);
      track.value.fill(0);
      found.value.fill(0);
      track = grownTrack;
      found = grownFound;
    };
    let facesFound = 0;
    let tracking = false;
    let firstTimestamp: number | undefined;
    const framePurge = { handles: 0, bytes: 0, wiped: 0, moved: 0, failed: 0, verified: 0 };

    const info = await decodeVideoFile(
      video,
      {
        onFrame: async (rgba, width, height, index, timestampSec) => {
          if (index === 0) {
            const issues = sizeIssues(width, height);
            if (issues.length > 0) throw new TemplateInvalidError(issues);
          }
          firstTimestamp ??= timestampSec;
          if (index >= maxTemplateFrames || timestampSec - firstTimestamp >= maxTemplateSeconds) {
            throw new TemplateInvalidError([
              { path: 'frameCount', message: `the video is longer than ${maxTemplateSeconds} s; cut it shorter` },
            ]);
          }
          ensureRoom(index + 1);
          // A scope per frame rather than a child of `scope`, so that nothing accumulates per frame.
          const frameScope = new EphemeralScope({ label: 'template-build.frame' });
          try {
            // Holding the decoder's buffer means the frame is zero-filled as soon as it is used.
            const pixels = frameScope.hold(rgba, { kind: 'frame', label: 'template-build.frame' });
            const image = { width, height, pixels };
            const detectOptions = signal ? { signal } : {};
            let faces = await tracker.detect(image, frameScope, detectOptions);
            if (faces.length > 0 && !tracking) {
              // The face was just (re)acquired from the face detector's box, which frames the face
              // differently from the mesh's own region: on a still video the first frame's points
              // sit several pixels off the rest. A second pass seeds from the mesh itself, as
              // every following frame will, so the track does not jump after its first frame.
              faces = await tracker.detect(image, frameScope, detectOptions);
            }
            tracking = faces.length > 0;
            const face = faces[0];
            if (face) {
              track.value.set(face.value.points.subarray(0, stride), index * stride);
              found.value[index] = 1;
              facesFound++;
            }
          } finally {
            addTotals(framePurge, frameScope.purge().totals);
          }
          onProgress?.({ frames: index + 1, facesFound, timestampSec });
        },
      },
      signal,
    );

    const frameCount = info.frameCount;
    const fps = Math.round(info.fps);
    if (fps < 1 || fps > 60) {
      throw new TemplateInvalidError([
        { path: 'fps', message: `the video runs at ${info.fps.toFixed(2)} frames per second; a template needs 1 to 60` },
      ]);
    }
    const raw = track.value.subarray(0, frameCount * stride);
    const maxGapFrames = Math.round((options.maxGapSeconds ?? defaultMaxGapSeconds) * fps);
    const gaps = fillTrackGaps(raw, found.value.subarray(0, frameCount), stride, maxGapFrames);
    const smoothing = options.smoothing ?? defaultTrackSmoothing;
    const smoothed =
      smoothing === false
        ? raw
        : scope.hold(smoothPointTrack(raw, stride, fps, smoothing), { kind: 'landmarks', label: 'template-build.smoothed' })
            .value;
    const encoded = encodeMeshTrack(smoothed, 'int16le');
    const meshBytes = scope.hold(encoded.bytes, { kind: 'landmarks', label: 'template-build.mesh-data' }).value;
    const template = parseTemplate(
      draftManifest(options, {
        width: info.width,
        height: info.height,
        fps,
        frameCount,
        assetPath: plan.assetPath,
        pointCount,
        neutralFrame: options.neutralFrame ?? chooseNeutralFrame(smoothed, frameCount, pointCount),
        data: { path: plan.meshAssetPath, ...encoded.data },
      }),
    );
    // The file as it will be read back: sizes, digest and every point checked before anything is written.
    decodeMeshTrack(template, meshBytes);
    if (signal?.aborted) throw new AbortedError(signal.reason);
    await commitTemplateOutput(plan, video, manifestText(template), meshBytes);
    const receipt = scope.purge();
    return {
      template,
      manifestPath: plan.manifestPath,
      videoPath: plan.videoPath,
      meshPath: plan.meshPath,
      copiedVideo: plan.copy,
      codec: info.codec,
      detectedFrames: facesFound,
      filledFrames: gaps.filledFrames,
      receipt,
      framePurge,
    };
  } finally {
    if (scope.isOpen) scope.purge();
    detector?.reset();
    if (ownDetector) detector?.dispose();
  }
}
