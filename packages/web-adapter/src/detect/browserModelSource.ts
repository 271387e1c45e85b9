import type { ModelBytesSource, PinnedModelFile, Sha256Function } from '@vopop/core';
import { InvalidArgumentError } from '@vopop/core';
import { modelManifest } from '@vopop/models';

/**
 * Options of {@link fetchModelBytesSource}.
 *
 * @public
 */
export interface FetchModelSourceOptions {
  /**
   * Folder URL the model files are served from, e.g. `'/vopop/models/'` (resolved against the
   * page or worker location). It must be on the app's own origin.
   */
  readonly baseUrl: string | URL;
  /** The files and pins to accept. Default: `@vopop/models`' manifest. */
  readonly pinned?: readonly PinnedModelFile[];
  /** The origin the files must come from. Default: the current `location.origin`. */
  readonly origin?: string;
}

/**
 * Resolve `base` against the current location and refuse any other origin: models and wasm are
 * part of the app (P9), never a CDN's.
 *
 * @internal
 */
export function sameOriginFolder(base: string | URL, what: string, origin?: string): URL {
  const here = globalThis.location?.href;
  let url: URL;
  try {
    url = new URL(String(base), here);
  } catch {
    throw new InvalidArgumentError(`${what} must be a URL of a folder on the app's origin.`);
  }
  const expected = origin ?? globalThis.location?.origin;
  if (!expected || url.origin !== expected) {
    throw new InvalidArgumentError(
      `${what} must be on the app's own origin; serve the files with the app instead of from another host.`,
    );
  }
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  url.search = '';
  url.hash = '';
  return url;
}

/**
 * A {@link ModelBytesSource} that fetches the pinned model files from a folder on the app's own
 * origin. It is trusted for availability only: the detector checks every byte against its pin
 * (SHA-256 and size) before tfjs sees it, so a tampered or stale file fails with
 * `ModelIntegrityError` and nothing is loaded.
 *
 * Requests are plain same-origin GETs without credentials beyond the origin's own, and are
 * never redirected to another origin (a redirect is refused).
 *
 * @public
 */
export function fetchModelBytesSource(options: FetchModelSourceOptions): ModelBytesSource {
  const folder = sameOriginFolder(options.baseUrl, 'The model folder', options.origin);
  const pinned = options.pinned ?? modelManifest;
  return {
    pinned,
    async read(name, readOptions) {
      if (!pinned.some((file) => file.name === name)) {
        throw new InvalidArgumentError(`'${name.slice(0, 80)}' is not a pinned model file.`);
      }
      const response = await fetch(new URL(encodeURIComponent(name), folder), {
        credentials: 'same-origin',
        redirect: 'error',
        ...(readOptions?.signal ? { signal: readOptions.signal } : {}),
      });
      if (!response.ok) {
        throw new Error(`The model file answered HTTP ${response.status}; check that it is served with the app.`);
      }
      return new Uint8Array(await response.arrayBuffer());
    },
  };
}

/**
 * SHA-256 through `crypto.subtle` (available on secure origins, including `localhost`, and in
 * their workers).
 *
 * @public
 */
export const browserSha256: Sha256Function = async (bytes) => {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return new Uint8Array(digest);
};
