/**
 * The Content-Security-Policy an app using the SDK can be served with (docs/web.md explains each
 * part). tfjs' wasm backend compiles WebAssembly, hence `'wasm-unsafe-eval'`; the video plays
 * from a `blob:` URL, hence `media-src blob:`; nothing else is relaxed, and nothing may be
 * fetched from another origin.
 *
 * @public
 */
export const vopopCsp = [
  "default-src 'none'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "media-src 'self' blob:",
  "style-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
