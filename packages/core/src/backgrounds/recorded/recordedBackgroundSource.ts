import type { EphemeralScope } from '../../purge/ephemeralScope';
import { AbortedError } from '../../errors/abortedError';
import { InvalidArgumentError } from '../../errors/invalidArgumentError';
import { TemplateInvalidError } from '../../errors/templateInvalidError';
import type { BackgroundFrames, BackgroundSource } from '../../ports/backgroundSource';
import type { ImageDecoder } from '../../ports/imageDecoder';
import type { TemplateAssets } from '../../ports/templateAssets';
import { ImageSequenceBackgroundFrames } from './imageSequenceBackgroundFrames';
import type { Template } from '../../templates/templateSchema';
import { VideoBackgroundFrames } from './videoBackgroundFrames';

/**
 * Recorded template backgrounds, on any platform: a `video` background is decoded while the
 * face video renders, each rendered frame showing the video frame nearest in time (so a video
 * at another frame rate keeps its speed); a `frames` background decodes image `i`
 * when frame `i` is drawn (a still once, for every frame). Either way memory stays flat however
 * long the template is. The platform supplies only file access ({@link TemplateAssets}) and an
 * {@link ImageDecoder}; `LocalRenderer` opens one per recorded template, over the files its
 * `LoadedTemplate` carries.
 *
 * Every frame must have the template's size. A missing, unreadable, corrupt or wrongly sized
 * asset (a file that is not a decodable video included), or a video shorter in time than the
 * template, is a `TemplateInvalidError` naming the
 * manifest field (`background.path`, `background.frames[3]`, `frameCount`); an abort is an
 * `AbortedError`. Decoded images are purged as soon as they are copied into the frame.
 *
 * @example
 * ```ts
 * const frames = await new RecordedBackgroundSource(assets, decoder).open(template, scope, signal);
 * ```
 * @public
 */
export class RecordedBackgroundSource implements BackgroundSource {
  readonly #assets: TemplateAssets;
  readonly #images: ImageDecoder | undefined;

  /**
   * @param assets - reads the files the template names (its folder, its origin).
   * @param images - decodes `frames` backgrounds' images (PNG, JPEG, WebP); without it such a
   *   background is refused (video backgrounds need none).
   */
  constructor(assets: TemplateAssets, images?: ImageDecoder) {
    if (typeof assets?.read !== 'function' || typeof assets.decodeVideo !== 'function') {
      throw new InvalidArgumentError('RecordedBackgroundSource needs TemplateAssets (read and decodeVideo).');
    }
    if (images !== undefined && typeof images.decode !== 'function') {
      throw new InvalidArgumentError('RecordedBackgroundSource: images must be an ImageDecoder.');
    }
    this.#assets = assets;
    this.#images = images;
  }

  /**
   * Start reading `template`'s recorded background. For images, the first one (or the still) is
   * decoded before this returns, so a bad one fails before the render starts.
   *
   * @throws `TemplateInvalidError` for an asset that is missing, outside the template's home,
   *   corrupt or of another size; `AbortedError` on abort; `InvalidArgumentError` for a
   *   procedural background (the renderer draws those itself).
   */
  async open(template: Template, scope: EphemeralScope, signal?: AbortSignal): Promise<BackgroundFrames> {
    if (signal?.aborted) throw new AbortedError(signal.reason);
    const kind = template.background.kind;
    switch (kind) {
      case 'video':
        return new VideoBackgroundFrames(this.#assets, template, signal);
      case 'frames':
        if (!this.#images) {
          throw TemplateInvalidError.at('background.kind', "this platform's renderer has no image decoder for 'frames' backgrounds");
        }
        return ImageSequenceBackgroundFrames.open(this.#assets, this.#images, template, scope, signal);
      case 'procedural':
        throw new InvalidArgumentError(
          'A procedural background has no recorded frames; draw it with BackgroundRenderer (LocalRenderer does).',
        );
      default:
        kind satisfies never;
        throw new InvalidArgumentError('The template has a background kind this version cannot render.');
    }
  }
}
