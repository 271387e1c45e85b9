import { InvalidArgumentError } from '@vopop/core';

/**
 * Options of {@link createVopopCsp}.
 *
 * @public
 */
export interface VopopCspOptions {
  /**
   * The rendering services the app calls in remote mode (the `remote.endpoint` given to
   * `createVopopClient`). Each one's origin, and nothing wider, is added to `connect-src`.
   */
  readonly remoteEndpoints?: readonly (string | URL)[];
}

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The origin of a rendering service's URL, checked as the remote renderer checks it. */
function serviceOrigin(endpoint: string | URL): string {
  let url: URL;
  try {
    url = new URL(String(endpoint));
  } catch {
    throw new InvalidArgumentError('createVopopCsp: each remote endpoint must be an absolute URL.');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopbackHosts.has(url.hostname))) {
    throw new InvalidArgumentError('createVopopCsp: a remote endpoint must use https: (plain http: only on loopback).');
  }
  return url.origin;
}

/**
 * The Content-Security-Policy an app using the SDK can be served with (docs/web.md explains each
 * part). tfjs' wasm backend compiles WebAssembly, hence `'wasm-unsafe-eval'`; the video plays
 * from a `blob:` URL, hence `media-src blob:`; nothing else is relaxed. `connect-src` is the
 * app's own origin plus, in remote mode, the origin of each configured rendering service: the
 * page and its worker can reach nothing else. Serve it with every response, the worker script's
 * included (a worker takes its policy from its own response).
 *
 * @example
 * ```ts
 * createVopopCsp({ remoteEndpoints: ['https://render.example.com'] });
 * // … connect-src 'self' https://render.example.com; …
 * ```
 * @public
 */
export function createVopopCsp(options: VopopCspOptions = {}): string {
  const origins = [...new Set((options.remoteEndpoints ?? []).map(serviceOrigin))];
  return [
    "default-src 'none'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "worker-src 'self'",
    ["connect-src 'self'", ...origins].join(' '),
    "img-src 'self'",
    "media-src 'self' blob:",
    "style-src 'self'",
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * The policy for an app that renders on the device only ({@link createVopopCsp} without remote
 * endpoints): nothing may be fetched from another origin.
 *
 * @public
 */
export const vopopCsp = createVopopCsp();
