import { bt601LimitedColorSpace } from '@vopop/core';

/** The parts of a WebCodecs `VideoEncoder` constructor this wrapper relies on. */
export interface VideoEncoderClass {
  new (init: VideoEncoderInit): VideoEncoder;
  isConfigSupported(config: VideoEncoderConfig): Promise<VideoEncoderSupport>;
}

/**
 * Subclass a WebCodecs `VideoEncoder` so that the colour space it reports with each decoder
 * config is BT.601 limited range (`smpte170m`, `fullRange: false`).
 *
 * Why: `@napi-rs/webcodecs` 1.3.1 converts RGBA to YUV with BT.601 limited-range coefficients
 * but reports `{ matrix: 'rgb', fullRange: true }`. Muxers copy that into the file (MP4 `colr`
 * box, WebM Colour element), and players then decode with the wrong matrix and range: colours
 * shift by about ten levels, and ffmpeg refuses some VP9 streams tagged RGB. The SDK's own I420
 * frames use the same BT.601 limited-range conversion, so the corrected tag is right for both.
 *
 * Everything else (configure, encode, flush, queue size, dequeue events) is the native class's.
 *
 * @internal
 */
export function colourTaggedVideoEncoder(Native: VideoEncoderClass): VideoEncoderClass {
  const Wrapped = class ColourTaggedVideoEncoder extends Native {
    constructor(init: VideoEncoderInit) {
      super({
        error: init.error,
        output: (chunk, metadata) => init.output(chunk, retag(metadata)),
      });
    }
  };
  Object.defineProperty(Wrapped, colourTaggedMark, { value: true });
  return Wrapped as VideoEncoderClass;
}

/** Marks the wrapper, so that a second copy of this module recognises an installed one. */
const colourTaggedMark: unique symbol = Symbol.for('vopop.colourTaggedVideoEncoder');

/** Whether `value` is a `VideoEncoder` class made by {@link colourTaggedVideoEncoder}. @internal */
export function isColourTagged(value: unknown): boolean {
  return typeof value === 'function' && (value as unknown as Record<symbol, unknown>)[colourTaggedMark] === true;
}

function retag(metadata: EncodedVideoChunkMetadata | undefined): EncodedVideoChunkMetadata | undefined {
  if (!metadata?.decoderConfig) return metadata;
  return {
    ...metadata,
    decoderConfig: { ...metadata.decoderConfig, colorSpace: { ...bt601LimitedColorSpace } },
  };
}
