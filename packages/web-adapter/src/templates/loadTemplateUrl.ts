import type { MeshTrack, Template } from '@vopop/core';
import { InvalidArgumentError, loadMeshTrack, parseTemplateFile } from '@vopop/core';
import type { FetchTemplateAssetsOptions } from './fetchTemplateAssets';
import { FetchTemplateAssets } from './fetchTemplateAssets';
import { fetchTemplateFile } from './fetchTemplateFile';
import { sameOriginTemplateUrl } from './templateUrl';

/**
 * Options of {@link loadTemplateUrl}.
 *
 * @public
 */
export interface LoadTemplateUrlOptions {
  /** Cancels the fetch (`AbortedError`). */
  readonly signal?: AbortSignal;
  /**
   * Largest manifest accepted, in bytes. Default 4 MiB (a per-frame points track of a full minute
   * at 60 fps); anything bigger is refused before it is parsed.
   */
  readonly maxBytes?: number;
  /** Passed to the template's {@link FetchTemplateAssets}. */
  readonly assets?: FetchTemplateAssetsOptions;
  /** The origin the manifest must be on. Default: the current `location.origin`. */
  readonly origin?: string;
}

/**
 * A template loaded from the app's origin: the validated manifest and where its files come from.
 *
 * @public
 */
export interface LoadedTemplateUrl {
  /** The validated, frozen manifest. */
  readonly template: Template;
  /** The manifest's final URL (after same-origin redirects); asset paths are relative to it. */
  readonly manifestUrl: string;
  /** The template's background files, fetched from the manifest's folder when rendering. */
  readonly assets: FetchTemplateAssets;
  /** A format-2 `mesh` face track's data, fetched and checked; absent for other face tracks. */
  readonly meshTrack?: MeshTrack;
}

const defaultMaxBytes = 4 * 1024 * 1024;

/**
 * Fetch a template manifest from the app's own origin, validate it with core's `parseTemplate`,
 * and return it with the {@link FetchTemplateAssets} its recorded background is read from.
 *
 * A manifest on any other origin is refused with `InvalidArgumentError` before a request is made
 * (templates are part of the app, like its models). A missing or unreadable manifest, one that
 * redirects off the origin, is over `maxBytes`, is not UTF-8 JSON or fails the schema is a
 * `TemplateInvalidError` (`(file)` for the file itself); an abort is `AbortedError`. The
 * background files are not fetched here but when the video renders; a format-2 `mesh` face
 * track's data file is, from the manifest's folder, and checked (size, SHA-256, every point) as
 * core's `loadMeshTrack` does.
 *
 * @param url - The manifest's URL, absolute or relative to the current location.
 * @public
 */
export async function loadTemplateUrl(url: string | URL, options: LoadTemplateUrlOptions = {}): Promise<LoadedTemplateUrl> {
  const manifest = sameOriginTemplateUrl(url, 'The template manifest URL', options.origin);
  const maxBytes = options.maxBytes ?? defaultMaxBytes;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) {
    throw new InvalidArgumentError('maxBytes must be a positive integer number of bytes.');
  }
  const fetched = await fetchTemplateFile(manifest, {
    field: '(file)',
    bounds: { origin: manifest.origin },
    maxBytes,
    signal: options.signal,
  });
  const template = parseTemplateFile(fetched.bytes);
  const assets = new FetchTemplateAssets(fetched.url, options.assets);
  const meshTrack = await loadMeshTrack(template, assets, options.signal);
  return { template, manifestUrl: fetched.url.href, assets, ...(meshTrack ? { meshTrack } : {}) };
}
