import { InvalidArgumentError } from '../errors/invalidArgumentError';
import type { BackgroundPainter } from '../backgrounds/procedural/backgroundPainter';
import { createBackgroundPainter } from '../backgrounds/procedural/backgroundPainter';
import { ensureValidTemplate } from '../templates/parseTemplate';
import type { Template } from '../templates/templateSchema';

/**
 * Draws a template's procedural background, frame by frame, into RGBA buffers the caller owns.
 *
 * Creating one builds the template's static layers (gradient, lit layer, sprites: a few MB for
 * 720×1280); each frame then copies the static layer and draws only what moves, in a few
 * milliseconds and without allocating. Frames are pure functions of the frame index, so any
 * frame can be drawn at any time and is always byte-identical.
 *
 * Backgrounds are not personal data, so nothing here is ephemeral; the renderer composites the
 * face into its own ephemeral frame buffer afterwards.
 *
 * @public
 */
export class BackgroundRenderer {
  /** The template drawn. */
  readonly template: Template;
  readonly #painter: BackgroundPainter;
  readonly #pixels: number;
  #lastOut: Uint8Array | undefined;
  #lastView: Uint32Array | undefined;
  #scratch: Uint32Array | undefined;
  #scratchBytes: Uint8Array | undefined;

  /**
   * @throws TemplateInvalidError when `template` did not come from `parseTemplate` and is not
   *   valid; InvalidArgumentError when its background is not procedural.
   */
  constructor(template: Template) {
    template = ensureValidTemplate(template);
    const background = template.background;
    if (background.kind !== 'procedural') {
      throw new InvalidArgumentError(
        `Template "${template.id}" has a "${background.kind}" background; only procedural backgrounds are drawn ` +
          'by the SDK. Decode its frames or video with the adapter instead.',
      );
    }
    this.template = template;
    this.#pixels = template.width * template.height;
    this.#painter = createBackgroundPainter(background.generator, template.width, template.height);
  }

  /**
   * Draw frame `frameIndex` into `out`, a `width × height × 4` RGBA buffer, overwriting every
   * byte (alpha 255).
   *
   * @throws InvalidArgumentError for a frame index outside the clip or a buffer of the wrong size.
   */
  render(frameIndex: number, out: Uint8Array): void {
    const { frameCount, width, height } = this.template;
    if (!Number.isInteger(frameIndex) || frameIndex < 0 || frameIndex >= frameCount) {
      throw new InvalidArgumentError(`frameIndex must be an integer from 0 to ${frameCount - 1}.`);
    }
    if (!(out instanceof Uint8Array) || out.length !== this.#pixels * 4) {
      throw new InvalidArgumentError(`out must be a Uint8Array of ${width}×${height}×4 = ${this.#pixels * 4} bytes.`);
    }
    if (out.byteOffset % 4 === 0) {
      if (out !== this.#lastOut) {
        this.#lastView = new Uint32Array(out.buffer, out.byteOffset, this.#pixels);
        this.#lastOut = out;
      }
      this.#painter.paint(frameIndex, this.#lastView!);
      return;
    }
    // A word view needs 4-byte alignment; draw aside and copy rather than refuse the buffer.
    this.#scratch ??= new Uint32Array(this.#pixels);
    this.#scratchBytes ??= new Uint8Array(this.#scratch.buffer);
    this.#painter.paint(frameIndex, this.#scratch);
    out.set(this.#scratchBytes);
  }
}

/** Renderers by template object: the cache lives and dies with each template instance. */
const renderers = new WeakMap<Template, BackgroundRenderer>();

/**
 * Draw frame `frameIndex` of `template`'s procedural background into `out` (`width × height ×
 * 4` RGBA bytes, reused across frames by the caller).
 *
 * The first call for a template builds its static layers and keeps them in a cache keyed by the
 * template object (a `WeakMap`), so they go when the template does and two templates never
 * share state. Use {@link BackgroundRenderer} directly to control that lifetime yourself.
 * Treat templates as immutable: those from `parseTemplate` and `builtInTemplates` are frozen.
 *
 * @throws InvalidArgumentError for a non-procedural background, a frame index outside the clip
 *   or a buffer of the wrong size.
 * @public
 */
export function renderBackground(template: Template, frameIndex: number, out: Uint8Array): void {
  let renderer = renderers.get(template);
  if (renderer === undefined) {
    renderer = new BackgroundRenderer(template);
    renderers.set(template, renderer);
  }
  renderer.render(frameIndex, out);
}
