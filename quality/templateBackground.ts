import type { EphemeralScope, ImageDecoder, Template, TemplateAssets, VideoEncoderPort } from '@vopop/core';
import { BackgroundRenderer, RecordedBackgroundSource } from '@vopop/core';

/** The template drawn without a face: its encoded video and the raw frames asked for. */
export interface TemplateBackground {
  /** The encoded video (same encoder and settings as the renders it is compared with). */
  readonly video: Uint8Array;
  /** Raw RGBA of the frames in `keep`, as drawn before encoding. */
  readonly raw: ReadonlyMap<number, Uint8Array>;
}

/**
 * Draw every frame of `template` with no face, exactly as the renderer draws its background,
 * and encode it: the "untouched template frame" the seam metric compares the output with.
 *
 * @param assets - the template's files, for recorded backgrounds
 * @param keep - frame indices whose raw pixels to return
 */
export async function renderTemplateBackground(
  template: Template,
  encoder: VideoEncoderPort,
  scope: EphemeralScope,
  keep: ReadonlySet<number>,
  assets?: TemplateAssets,
  images?: ImageDecoder,
): Promise<TemplateBackground> {
  const { width, height, fps, frameCount } = template;
  const frame = new Uint8Array(width * height * 4);
  const raw = new Map<number, Uint8Array>();
  let next: (out: Uint8Array, index: number) => PromiseLike<void> | void;
  let close: () => PromiseLike<void> = async () => undefined;
  if (template.background.kind === 'procedural') {
    const background = new BackgroundRenderer(template);
    next = (out, index) => background.render(index, out);
  } else {
    if (!assets) throw new Error(`Template ${template.id} has a recorded background: pass its files.`);
    const frames = await new RecordedBackgroundSource(assets, images).open(template, scope);
    next = (out) => frames.next(out);
    close = () => frames[Symbol.asyncDispose]();
  }
  try {
    const session = await encoder.open({ width, height, fps, frameCount, codec: 'auto' }, scope);
    for (let index = 0; index < frameCount; index++) {
      await next(frame, index);
      if (keep.has(index)) raw.set(index, frame.slice());
      await session.addFrame(frame);
    }
    const encoded = await session.finish();
    return { video: encoded.bytes.value.slice(), raw };
  } finally {
    await close();
  }
}
