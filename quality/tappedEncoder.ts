import type { VideoEncoderPort } from '@vopop/core';

/**
 * An encoder that shows every frame to `onFrame` (index, RGBA as the renderer made it) before
 * passing it on: the harness finds where the renderer drew from these uncompressed frames, while
 * every figure is measured on the encoded video decoded back.
 */
export function tapEncoder(encoder: VideoEncoderPort, onFrame: (index: number, rgba: Uint8Array) => void): VideoEncoderPort {
  return {
    async open(options, scope) {
      const session = await encoder.open(options, scope);
      let index = 0;
      return {
        get codec() {
          return session.codec;
        },
        get container() {
          return session.container;
        },
        get framesAdded() {
          return session.framesAdded;
        },
        async addFrame(rgba) {
          onFrame(index++, rgba);
          await session.addFrame(rgba);
        },
        finish: () => session.finish(),
        cancel: () => session.cancel(),
        [Symbol.asyncDispose]: () => session[Symbol.asyncDispose](),
      };
    },
  };
}
