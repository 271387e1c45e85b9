import { InvalidArgumentError } from '@vopop/core';

/**
 * `url` resolved against the current location (the page's, or the worker's), refused unless it is
 * http(s). The fragment is dropped: it never reaches the server.
 *
 * @internal
 */
export function resolveTemplateUrl(url: string | URL, what: string): URL {
  let resolved: URL;
  try {
    resolved = new URL(String(url), globalThis.location?.href);
  } catch {
    throw new InvalidArgumentError(`${what} is not a valid URL.`);
  }
  if (resolved.protocol !== 'http:' && resolved.protocol !== 'https:') {
    throw new InvalidArgumentError(`${what} must be an http(s) URL on the app's origin.`);
  }
  resolved.hash = '';
  return resolved;
}

/**
 * {@link resolveTemplateUrl}, and refused unless it is on `origin` (default: the current
 * `location.origin`). Templates are part of the app, like its models: never another host's.
 *
 * @internal
 */
export function sameOriginTemplateUrl(url: string | URL, what: string, origin?: string): URL {
  const resolved = resolveTemplateUrl(url, what);
  const expected = origin ?? globalThis.location?.origin;
  if (!expected || resolved.origin !== expected) {
    throw new InvalidArgumentError(
      `${what} must be on the app's own origin; serve the template with the app instead of from another host.`,
    );
  }
  return resolved;
}
