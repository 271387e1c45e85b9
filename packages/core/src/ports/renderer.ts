import type { FaceLandmarks } from '../detect/faceLandmarks';
import type { EncodedVideo } from './videoEncoder';
import type { EphemeralScope } from '../purge/ephemeralScope';
import type { VerifiedDeletionReceipt } from '../remote/deletionReceipt';
import type { Template } from '../templates/templateSchema';
import type { TemplateAssets } from './templateAssets';
import type { RgbaImage } from './rgbaImage';
import type { RenderQuality } from '../render/mesh/renderQuality';
import type { CutoutWarning } from '../render/compositing/cutoutWarning';

/**
 * Everything a renderer needs for one video. The photo and landmarks are read during
 * `render` only; the renderer keeps no reference once it returns.
 *
 * @public
 */
export interface RenderJob {
  /** The decoded photo. */
  readonly photo: RgbaImage;
  /** The selected face in `photo`. */
  readonly landmarks: FaceLandmarks;
  /** The template to render into. */
  readonly template: Template;
  /** The template's files, for a recorded background (from a `LoadedTemplate`). */
  readonly assets?: TemplateAssets;
  /** Fraction of frames done, 0…1, called at most once per frame. */
  readonly onProgress?: (fraction: number) => void;
  /** Stops rendering between frames. */
  readonly signal?: AbortSignal;
  /**
   * How much work to spend blending the face in: `'draft'`, `'standard'` (default) or `'high'`
   * (see {@link RenderQuality}). Renderers that blend only one way ignore it.
   */
  readonly quality?: RenderQuality;
}

/**
 * What a renderer returns: the encoded video and, from a remote service, its verified deletion
 * receipt.
 *
 * @public
 */
export interface RenderedVideo extends EncodedVideo {
  /** The service's signed receipt, verified against pinned keys; absent for local rendering. */
  readonly deletionReceipt?: VerifiedDeletionReceipt;
  /** What was rendered differently from the template's request (a head cut that fell back). */
  readonly warnings?: readonly CutoutWarning[];
}

/**
 * Turns a photo, its face and a template into an encoded video held in `scope`: locally
 * ({@link LocalRenderer}) or through a rendering service ({@link RemoteRenderer}).
 *
 * @public
 */
export interface Renderer {
  /**
   * The origin of the service the face leaves the device for; absent when rendering on the
   * device. `generateVideo` then requires consent to `'remote-service'` processing naming it.
   */
  readonly remoteOrigin?: string;
  render(job: RenderJob, scope: EphemeralScope): Promise<RenderedVideo>;
}
