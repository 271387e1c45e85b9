import type { EncoderInputFormat, VideoEncoderPort, Wiper } from '@vopop/core';
import { WebCodecsVideoEncoder } from '@vopop/core';
import { installWebCodecs } from './installWebCodecs';
import { nodeNativeMemoryReclaim } from './reclaimNativeMemory';

/**
 * Options of {@link createNodeVideoEncoder}.
 *
 * @public
 */
export interface NodeVideoEncoderOptions {
  /**
   * How frames reach the encoder, per codec. Default `'i420'` for both: the SDK converts RGBA to
   * BT.601 limited-range I420 itself. In the interleaved comparison in docs/benchmarks.md that
   * took 0.61 × the time of RGBA input for H.264 at 720×1280 (the encoder's own RGBA conversion
   * is the slower one) and was within about 10 % elsewhere; it averages chroma over 2×2 blocks
   * (higher PSNR on saturated edges), and avoids the polyfill's VP9 RGBA path, which has
   * produced RGB-tagged profile-0 streams that ffmpeg refuses. `'rgba'` remains available; its
   * tags are corrected as well.
   */
  readonly inputFormat?: { readonly avc?: EncoderInputFormat; readonly vp9?: EncoderInputFormat };
  /** Seconds between key frames. Default 2. */
  readonly keyFrameIntervalSec?: number;
  /** See core's `WebCodecsVideoEncoderOptions.i420Wiper`: for the P3 memory test only. @internal */
  readonly i420Wiper?: Wiper<Uint8Array>;
}

/**
 * The video encoder for Node: installs the WebCodecs globals from `@napi-rs/webcodecs` (with
 * corrected colour tags) and returns core's `WebCodecsVideoEncoder` over them. H.264 in MP4 by
 * default, VP9 in WebM on request or as the fallback.
 *
 * Throws `EncoderUnavailableError` (`'missing-package'`) when the optional package is absent.
 *
 * @example
 * ```ts
 * const encoder = await createNodeVideoEncoder();
 * await using session = await encoder.open({ width: 720, height: 1280, fps: 30 }, scope);
 * ```
 * @public
 */
export async function createNodeVideoEncoder(
  options: NodeVideoEncoderOptions = {},
): Promise<VideoEncoderPort> {
  await installWebCodecs();
  return new WebCodecsVideoEncoder({
    inputFormat: { avc: 'i420', vp9: 'i420', ...options.inputFormat },
    reclaim: nodeNativeMemoryReclaim,
    ...(options.i420Wiper ? { i420Wiper: options.i420Wiper } : {}),
    ...(options.keyFrameIntervalSec === undefined
      ? {}
      : { keyFrameIntervalSec: options.keyFrameIntervalSec }),
  });
}
