import { VopopError } from './vopopError';

/**
 * Why no encoder could be used.
 *
 * - `'no-webcodecs'`: the runtime has no `VideoEncoder` (an old browser, or Node without the
 *   WebCodecs polyfill installed).
 * - `'codec-unsupported'`: WebCodecs is there, but none of the requested codecs can encode at
 *   this size and bitrate.
 * - `'missing-package'`: the optional package that provides WebCodecs in Node is not installed.
 *
 * @public
 */
export type EncoderUnavailableReason = 'no-webcodecs' | 'codec-unsupported' | 'missing-package';

/**
 * Thrown when a video cannot be encoded on this platform at all: no WebCodecs, or neither
 * H.264 nor VP9 is available at the requested size. Nothing was encoded and nothing is held.
 *
 * @example
 * ```ts
 * try { await encoder.open(options, scope); }
 * catch (e) { if (e instanceof EncoderUnavailableError) showUnsupportedDeviceMessage(e.reason); }
 * ```
 * @public
 */
export class EncoderUnavailableError extends VopopError {
  readonly code = 'ENCODER_UNAVAILABLE' as const;

  constructor(
    /** What was missing. */
    readonly reason: EncoderUnavailableReason,
    /** The codecs that were tried, in order (empty when WebCodecs itself is missing). */
    readonly triedCodecs: readonly string[],
    message?: string,
    options?: { cause?: unknown },
  ) {
    super(message ?? EncoderUnavailableError.#defaultMessage(reason, triedCodecs), options);
    this.name = 'EncoderUnavailableError';
  }

  static #defaultMessage(reason: EncoderUnavailableReason, tried: readonly string[]): string {
    switch (reason) {
      case 'no-webcodecs':
        return (
          'This runtime has no WebCodecs VideoEncoder. In a browser, use a current Chromium, Edge, ' +
          'Firefox or Safari; in Node, install the WebCodecs globals from the node adapter first.'
        );
      case 'missing-package':
        return (
          'Video encoding in Node needs the optional package @napi-rs/webcodecs (version 1.3.1); ' +
          'install it next to the node adapter, or supply another VideoEncoderPort.'
        );
      case 'codec-unsupported':
        return (
          `None of the codecs tried (${tried.join(', ') || 'none'}) can encode at the requested ` +
          'size and bitrate here. Try a smaller size (even width and height), codec "auto", or ' +
          'another VideoEncoderPort.'
        );
    }
  }
}
