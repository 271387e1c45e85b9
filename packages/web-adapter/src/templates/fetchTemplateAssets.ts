import type { DecodedVideoInfo, TemplateAssets, VideoFrameCallback } from '@vopop/core';
import { InvalidArgumentError, TemplateInvalidError, assetPathProblem, decodeVideo } from '@vopop/core';
import { resolveTemplateUrl } from './templateUrl';
import type { TemplateFileBounds } from './fetchTemplateFile';
import { fetchTemplateFile } from './fetchTemplateFile';

/**
 * Options of {@link FetchTemplateAssets}.
 *
 * @public
 */
export interface FetchTemplateAssetsOptions {
  /**
   * Largest file accepted, in bytes. Default 64 MiB (the largest mesh data file is 20.6 MB). A
   * video background is fetched whole before it is decoded, so this bounds the memory one
   * template can take.
   */
  readonly maxBytes?: number;
}

const defaultMaxBytes = 64 * 1024 * 1024;

/**
 * A template's files (background video or images, a format-2 mesh track's data file) fetched from
 * the folder its manifest is served from: the browser's side of core's `TemplateAssets` port, for
 * `RecordedBackgroundSource` and `loadMeshTrack`.
 *
 * Every asset path is resolved against the manifest URL and must stay, after resolution and after
 * any redirect, on the manifest's origin and under the manifest's folder; anything else, an HTTP
 * error, a network failure or a file over `maxBytes` is a `TemplateInvalidError` naming the
 * manifest field (`background.path`, `background.frames[3]`). Requests are plain GETs with
 * `credentials: 'same-origin'`. An abort is an `AbortedError`.
 *
 * Template files are not personal data: they come with the app, not from the user.
 *
 * @example
 * ```ts
 * const assets = new FetchTemplateAssets('/templates/velvet-stripes/manifest.json');
 * const frames = new RecordedBackgroundSource(assets, new BrowserImageDecoder());
 * ```
 * @public
 */
export class FetchTemplateAssets implements TemplateAssets {
  /** The manifest's URL (absolute); asset paths are relative to it. */
  readonly manifestUrl: string;
  readonly #bounds: Required<TemplateFileBounds>;
  readonly #maxBytes: number;

  /**
   * @param manifestUrl - The manifest's URL, absolute or relative to the current location.
   * @throws InvalidArgumentError when it is not an http(s) URL, or `maxBytes` is not a positive integer.
   */
  constructor(manifestUrl: string | URL, options: FetchTemplateAssetsOptions = {}) {
    const url = resolveTemplateUrl(manifestUrl, 'The template manifest URL');
    const maxBytes = options.maxBytes ?? defaultMaxBytes;
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) {
      throw new InvalidArgumentError('maxBytes must be a positive integer number of bytes.');
    }
    this.manifestUrl = url.href;
    this.#bounds = { origin: url.origin, folder: new URL('.', url).pathname };
    this.#maxBytes = maxBytes;
  }

  async read(path: string, field: string, signal?: AbortSignal): Promise<Uint8Array> {
    const { bytes } = await fetchTemplateFile(this.#resolve(path, field), {
      field,
      bounds: this.#bounds,
      maxBytes: this.#maxBytes,
      signal,
    });
    return bytes;
  }

  async decodeVideo(path: string, field: string, onFrame: VideoFrameCallback, signal: AbortSignal): Promise<DecodedVideoInfo> {
    // Whole, then decoded from memory: mediabunny reads the index at the end of an MP4 and
    // seeks around, which over HTTP would take range requests that not every host serves.
    const bytes = await this.read(path, field, signal);
    return decodeVideo(bytes, onFrame, { signal });
  }

  /** `path` against the manifest, refused unless it stays under the manifest's folder. */
  #resolve(path: string, field: string): URL {
    if (typeof path !== 'string') throw TemplateInvalidError.at(field, 'asset path must be a string');
    // The template schema has already checked the path; this port may be handed others.
    const problem = assetPathProblem(path);
    if (problem !== undefined) throw TemplateInvalidError.at(field, problem);
    let url: URL;
    try {
      url = new URL(path, this.manifestUrl);
    } catch (error) {
      throw TemplateInvalidError.at(field, 'asset path does not resolve to a URL', error);
    }
    return url;
  }
}
