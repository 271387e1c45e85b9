import { fivePointsFromMesh } from '../align/fivePoints';
import { createFaceCompositor } from './compositing/faceCompositor';
import type { FaceCompositor } from './compositing/faceCompositor';
import { createHeadLayer } from './compositing/headLayer';
import { buildHeadMatte, headMatteWiper, headSegmentationRegion } from './compositing/headMatte';
import type { CutoutWarning } from './compositing/cutoutWarning';
import { cutoutWarning } from './compositing/cutoutWarning';
import type { PersonSegmenter } from '../segment/personSegmenter';
import type { VideoCodecChoice, VideoEncoderPort } from '../ports/videoEncoder';
import type { EphemeralScope } from '../purge/ephemeralScope';
import { AbortedError } from '../errors/abortedError';
import { fitSimilarity } from '../geometry/fitSimilarity';
import type { RenderJob, RenderedVideo, Renderer } from '../ports/renderer';
import type { BackgroundFrames } from '../ports/backgroundSource';
import type { ImageDecoder } from '../ports/imageDecoder';
import { RecordedBackgroundSource } from '../backgrounds/recorded/recordedBackgroundSource';
import { asyncDisposeSymbol } from '../purge/disposeSymbols';
import { BackgroundRenderer } from './backgroundRenderer';
import { resolveFaceTrack } from '../templates/resolveFaceTrack';
import { loadMeshTrack } from '../templates/loadMeshTrack';
import { createMeshFaceRenderer } from './mesh/meshFaceRenderer';
import { TemplateInvalidError } from '../errors/templateInvalidError';
import { RenderFailedError } from '../errors/renderFailedError';
import type { RenderStage } from '../errors/renderFailedError';
import { isVopopError } from '../errors/vopopError';

/**
 * How {@link LocalRenderer} encodes.
 *
 * @public
 */
export interface LocalRendererOptions {
  /** The platform's encoder (WebCodecs in browsers and, through a polyfill, in Node). */
  readonly encoder: VideoEncoderPort;
  /** `'auto'` (default): H.264 in MP4 where available, else VP9 in WebM. */
  readonly codec?: VideoCodecChoice;
  /** Target bits per second; default: the encoder's choice for the frame size. */
  readonly bitrate?: number;
  /**
   * Decodes the images of `frames` backgrounds (template data, not personal: a fast decoder is
   * fine). Without it such templates are refused; video and procedural backgrounds need none.
   */
  readonly backgroundImages?: ImageDecoder;
  /**
   * Finds the person in the photo, for templates whose `cutout` is `'head'` (run once per
   * video, on a square around the face). Without it such templates fall back to the face cut,
   * with a warning in the result.
   */
  readonly segmenter?: PersonSegmenter;
  /**
   * How the face is drawn:
   * - `'mesh'` (default): the face's own mesh is warped triangle by triangle onto where the
   *   template's face is in each frame, so it turns, blinks, smiles and talks with the template
   *   (a recorded template's face, or the built-in motion preset), keeping the user's shape.
   *   With a `head` cut-out it is drawn over the head layer.
   * - `'oval'`: the v1 compositor, a rigid feathered oval placed by five points (or the head
   *   layer alone); kept as a fallback and as the baseline the mesh renderer is measured against.
   */
  readonly faceRenderer?: 'mesh' | 'oval';
}

/**
 * Renders on the device: for each template frame, draw the background, draw the face where the
 * template's face is (by default its mesh warped onto the template's face mesh or, for built-in
 * templates, onto a motion preset placed by the template's five-point track; see
 * {@link LocalRendererOptions.faceRenderer}), and hand the frame to the encoder. One frame
 * buffer is reused for the whole video, so memory does not grow with its length.
 *
 * @public
 */
export class LocalRenderer implements Renderer {
  readonly #options: LocalRendererOptions;

  constructor(options: LocalRendererOptions) {
    this.#options = options;
  }

  async render(job: RenderJob, scope: EphemeralScope): Promise<RenderedVideo> {
    const { template, signal } = job;
    if (template.background.kind === 'procedural') {
      return this.#renderFrames(job, scope.child('render'), new BackgroundRenderer(template));
    }
    if (!job.assets) {
      throw TemplateInvalidError.at(
        'background.kind',
        `a '${template.background.kind}' background needs the template's files: pass the loaded template (loadTemplateFile, loadTemplateUrl), not its bare manifest`,
      );
    }
    const source = new RecordedBackgroundSource(job.assets, this.#options.backgroundImages);
    const render = scope.child('render');
    const frames = await source.open(template, render, signal);
    try {
      return await this.#renderFrames(job, render, frames);
    } finally {
      await frames[asyncDisposeSymbol]();
    }
  }

  /**
   * The layer that carries the photo into the frames: the whole head through its matte when the
   * template asks for it and the photo has a person under the face, else the face oval.
   */
  async #cutOut(job: RenderJob, render: EphemeralScope, warnings: CutoutWarning[]): Promise<FaceCompositor> {
    const { template, photo, landmarks, signal } = job;
    const colourMatchStrength = template.colourMatch.strength;
    if (template.cutout === 'head') {
      const segmenter = this.#options.segmenter;
      const region = segmenter ? headSegmentationRegion(landmarks) : undefined;
      if (segmenter && region) {
        render.hold(region, { kind: 'face-transform', label: 'head.region' });
        const person = await segmenter.segment(photo, region, render, signal ? { signal } : {});
        const head = buildHeadMatte(photo, landmarks, person.value);
        person.purge();
        if (head) {
          const matte = render.hold(head, { kind: 'matte', label: 'head.matte', wiper: headMatteWiper });
          const layer = createHeadLayer({ photo, matte: matte.value, scope: render, colourMatchStrength });
          matte.purge();
          return layer;
        }
      }
      warnings.push(cutoutWarning(segmenter ? 'no-person-matte' : 'no-segmenter'));
    }
    return createFaceCompositor({
      photo,
      landmarks,
      scope: render,
      featherFraction: template.mask.feather,
      colourMatchStrength,
    });
  }

  async #renderFrames(
    job: RenderJob,
    render: EphemeralScope,
    background: BackgroundRenderer | BackgroundFrames,
  ): Promise<RenderedVideo> {
    const { template, signal } = job;
    const { width, height, frameCount, fps } = template;
    // A format-2 mesh track's data comes from the template's own files; this compositor follows
    // the five points of each frame's mesh.
    const mesh = job.assets ? await loadMeshTrack(template, job.assets, signal) : undefined;
    const track = resolveFaceTrack(template, mesh);

    // Personal: the photo's five points, the frame's transform, the frame with the face in it.
    const photoPoints = render.hold(fivePointsFromMesh(job.landmarks), { kind: 'landmarks', label: 'photo.points5' });
    const framePoints = render.hold(new Float32Array(10), { kind: 'landmarks', label: 'frame.points5' });
    const frame = render.hold(new Uint8Array(width * height * 4), { kind: 'frame', label: 'frame' });
    const warnings: CutoutWarning[] = [];
    // The mesh face is drawn last, over the head layer when the template cuts out the whole head
    // (the head's hair and outline from the photo, the face itself alive on top of it).
    const meshFace =
      this.#options.faceRenderer !== 'oval'
        ? createMeshFaceRenderer({
            photo: job.photo,
            landmarks: job.landmarks,
            scope: render,
            width,
            height,
            fps,
            frameCount,
            colourMatchStrength: template.colourMatch.strength,
            ...(mesh ? { meshTrack: mesh } : {}),
            ...(job.quality ? { quality: job.quality } : {}),
          })
        : undefined;
    const compositor = !meshFace || template.cutout === 'head' ? await this.#cutOut(job, render, warnings) : undefined;

    const session = await this.#options.encoder.open(
      {
        width,
        height,
        fps,
        frameCount,
        codec: this.#options.codec ?? 'auto',
        ...(this.#options.bitrate ? { bitrate: this.#options.bitrate } : {}),
        ...(signal ? { signal } : {}),
      },
      render,
    );
    let step: RenderStage = 'render';
    let index = 0;
    try {
      for (; index < frameCount; index++) {
        if (signal?.aborted) throw new AbortedError(signal.reason);
        step = 'render';
        if (background instanceof BackgroundRenderer) background.render(index, frame.value);
        else await background.next(frame.value);
        meshFace?.captureTemplate(frame.value, index);
        track(index, framePoints.value);
        step = 'composite';
        if (compositor) {
          // The mesh face is placed first, so that the layer under it can skip what it will cover.
          const exclude = meshFace?.place(index, framePoints.value);
          const fit = fitSimilarity(photoPoints.value, framePoints.value);
          compositor.composite(frame.value, width, height, fit.transform, exclude);
          fit.transform.fill(0);
          fit.inverse.fill(0);
          meshFace?.drawPlaced(frame.value);
        } else {
          meshFace?.draw(frame.value, index, framePoints.value);
        }
        step = 'encode';
        await session.addFrame(frame.value);
        job.onProgress?.((index + 1) / frameCount);
      }
      step = 'mux';
      const encoded = await session.finish();
      return warnings.length > 0 ? { ...encoded, warnings } : encoded;
    } catch (error) {
      await session.cancel().catch(() => undefined);
      if (isVopopError(error)) throw error;
      throw new RenderFailedError(step, step === 'mux' ? undefined : index, { cause: error });
    }
  }
}
