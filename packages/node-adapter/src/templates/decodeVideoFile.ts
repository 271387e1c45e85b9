import type { FileHandle } from 'node:fs/promises';
import type {
  DecodeVideoOptions,
  DecodedVideoInfo,
  VideoByteSource,
  VideoFrameCallback,
} from '@vopop/core';
import { AbortedError, InvalidArgumentError, RenderFailedError, decodeVideo } from '@vopop/core';
import { openRegularFile } from '../files/readBoundedFile';
import { holdEventLoop } from '../encode/holdEventLoop';
import { installWebCodecs } from '../encode/installWebCodecs';
import { nodeNativeMemoryReclaim } from '../encode/reclaimNativeMemory';

/**
 * What {@link decodeVideoFile} calls for each frame.
 *
 * @public
 */
export interface DecodeVideoFileHandlers {
  /**
   * One decoded frame: tightly packed upright RGBA, reused for the next frame (copy what you
   * keep). Returning a promise pauses decoding until it settles, so a slow consumer (the face
   * detector) sets the pace and frames never pile up.
   */
  readonly onFrame: VideoFrameCallback;
}

/**
 * Decode a video in Node, frame by frame, into RGBA: from bytes in memory or from a file path.
 * A file is read in the ranges the demuxer asks for, so memory stays flat however long the
 * video is. Uses the WebCodecs stack from `@napi-rs/webcodecs` (installed on first use) through
 * core's {@link decodeVideo}; the template builder runs the face detector on these frames.
 *
 * Throws `InputFileError` for a missing, unreadable or non-regular file (a FIFO, a device, a
 * folder) or one over 1 GiB, `InvalidArgumentError` for a bad argument, `RenderFailedError`
 * (stage `'decode'`) for a file without a decodable video track, `AbortedError` on abort, and
 * `EncoderUnavailableError` when `@napi-rs/webcodecs` is not installed. The file is closed on
 * every path.
 *
 * @example
 * ```ts
 * const info = await decodeVideoFile('template.mp4', {
 *   onFrame: async (rgba, width, height, index) => { await track.add(await detect(rgba, width, height)); },
 * });
 * ```
 * @public
 */
export async function decodeVideoFile(
  input: Uint8Array | string,
  handlers: DecodeVideoFileHandlers,
  signal?: AbortSignal,
): Promise<DecodedVideoInfo> {
  if (typeof handlers?.onFrame !== 'function') {
    throw new InvalidArgumentError('decodeVideoFile needs handlers.onFrame.');
  }
  if (!(input instanceof Uint8Array) && typeof input !== 'string') {
    throw new InvalidArgumentError('decodeVideoFile takes the video as a Uint8Array or a file path.');
  }
  if (signal?.aborted) throw new AbortedError(signal.reason);
  await installWebCodecs();
  const release = holdEventLoop();
  try {
    const options = { reclaim: nodeNativeMemoryReclaim, ...(signal ? { signal } : {}) };
    return await decodeFrom(input, handlers.onFrame, options);
  } finally {
    release();
  }
}

async function decodeFrom(
  input: Uint8Array | string,
  onFrame: VideoFrameCallback,
  options: DecodeVideoOptions,
): Promise<DecodedVideoInfo> {
  if (input instanceof Uint8Array) return decodeVideo(input, onFrame, options);

  const { handle: file, size } = await openVideoFile(input);
  try {
    if (size === 0) throw new RenderFailedError('decode', undefined, { detail: 'empty file' });
    return await decodeVideo(fileByteSource(file, size), onFrame, options);
  } finally {
    await file.close();
  }
}

/**
 * Largest video file read: 1 GiB. A template is at most 60 s long, and 60 s at 1080p takes a
 * few hundred MB even at the bitrates cameras record; anything bigger is refused unread.
 *
 * @internal
 */
const maxVideoFileBytes = 1 << 30;

/**
 * Open a video file by path: a regular file of at most {@link maxVideoFileBytes}, judged on the
 * open descriptor. Opened non-blocking, so a FIFO, a device or a folder is refused rather than
 * waited on. The caller closes the handle.
 *
 * @throws `InputFileError` (missing, not a regular file, not permitted, too large, unreadable);
 * its message never names the path, which may name a person.
 * @internal
 */
export function openVideoFile(path: string): Promise<{ readonly handle: FileHandle; readonly size: number }> {
  return openRegularFile(path, { subject: 'video', maxBytes: maxVideoFileBytes });
}

/** Random access to an open file for the demuxer. */
function fileByteSource(file: FileHandle, size: number): VideoByteSource {
  return {
    size,
    async read(start, end) {
      const bytes = new Uint8Array(end - start);
      let done = 0;
      while (done < bytes.byteLength) {
        const { bytesRead } = await file.read(bytes, done, bytes.byteLength - done, start + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return done === bytes.byteLength ? bytes : bytes.subarray(0, done);
    },
  };
}
