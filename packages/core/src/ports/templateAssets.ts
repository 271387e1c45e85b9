import type { DecodedVideoInfo, VideoFrameCallback } from '../encode/decodeVideo';

/**
 * The files a template manifest names (its background images or video, a format-2 mesh track's
 * data file), read by the platform:
 * a folder on disk in Node, the app's own origin in a browser. Paths are the manifest's own,
 * relative to the manifest and already checked by the template schema; an implementation still
 * refuses any path that resolves outside the template's home (a symlink, a redirect) with a
 * `TemplateInvalidError` naming the manifest field.
 *
 * Template assets are not personal data: they come with the template, not from the user.
 *
 * @public
 */
export interface TemplateAssets {
  /**
   * The whole file at `path` (an image, or mesh data). Throws `TemplateInvalidError` naming
   * `field` when it is missing, unreadable or outside the template's home, and `AbortedError` on
   * abort.
   */
  read(path: string, field: string, signal?: AbortSignal): Promise<Uint8Array>;
  /**
   * Decode the video at `path` frame by frame on the platform's WebCodecs stack (core's
   * `decodeVideo` semantics: upright RGBA, the buffer reused, a returned promise pauses
   * decoding). Throws `TemplateInvalidError` naming `field` when the file is missing or outside
   * the template's home, and `AbortedError` on abort.
   */
  decodeVideo(
    path: string,
    field: string,
    onFrame: VideoFrameCallback,
    signal: AbortSignal,
  ): Promise<DecodedVideoInfo>;
}
