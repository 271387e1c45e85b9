import type { MiddlewareHandler } from 'hono';
import { InvalidArgumentError, receiptHeader } from '@vopop/core';
import type { RenderServerEnv } from './createRenderServer';

/**
 * Which web pages may call the render server from a browser (CORS). Without it no page may: a
 * browser refuses the render request's preflight, because the request carries `Authorization`,
 * `Idempotency-Key` and an `image/png` body.
 *
 * @public
 */
export interface RenderServerCorsOptions {
  /**
   * The exact origins of the web apps allowed to call the service (`https://app.example.com`).
   * No wildcard: a page on any other origin cannot read an answer, nor send a render.
   */
  readonly allowedOrigins: readonly string[];
  /** How long a browser may cache a preflight answer, in seconds. Default 600. */
  readonly maxAgeSeconds?: number;
}

/** The request headers a browser asks to send: the contract's own, nothing else. */
const allowedHeaders = 'authorization, idempotency-key, content-type';
const allowedMethods = 'GET, POST';
/** What a page may read of an answer beyond the safelisted headers: the receipt and when to retry. */
const exposedHeaders = `${receiptHeader}, Retry-After`;

/** `value` as an origin (scheme, host, port; no path), or a typed error naming what is wrong. */
function checkedOrigin(value: unknown): string {
  if (value === '*' || value === 'null') {
    throw new InvalidArgumentError('cors.allowedOrigins: name each web app\'s origin; a wildcard or "null" is not accepted.');
  }
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    throw new InvalidArgumentError('cors.allowedOrigins: each entry must be an origin such as https://app.example.com.');
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin !== String(value).replace(/\/$/, '')) {
    throw new InvalidArgumentError('cors.allowedOrigins: each entry must be an http(s) origin only (no path, query or credentials).');
  }
  return url.origin;
}

/**
 * Hono middleware answering CORS for the configured origins only. A preflight from an allowed
 * origin gets `204` with the contract's headers and methods; an answer to an allowed origin names
 * it (never `*`, never with credentials: the client sends none) and exposes the receipt header.
 * Another origin gets no CORS header, so its browser blocks the call. Registered before the API
 * key check, since a preflight carries no key.
 *
 * On Node the headers go on Node's response, because the video is written to the socket directly
 * (without a copy) rather than through a `Response`.
 *
 * @internal
 */
export function renderServerCors(options: RenderServerCorsOptions): MiddlewareHandler<RenderServerEnv> {
  if (!Array.isArray(options?.allowedOrigins)) {
    throw new InvalidArgumentError('cors.allowedOrigins must be a list of origins.');
  }
  const allowed = new Set(options.allowedOrigins.map(checkedOrigin));
  const maxAge = options.maxAgeSeconds ?? 600;
  if (!Number.isInteger(maxAge) || maxAge < 0 || maxAge > 86_400) {
    throw new InvalidArgumentError('cors.maxAgeSeconds must be a whole number of seconds from 0 to 86400.');
  }
  return async (c, next) => {
    const origin = c.req.header('origin');
    const set = (name: string, value: string): void => {
      // On Node every answer is written through this response, whose headers join the answer's
      // own; touching Hono's `c.res` there would make it rewrite the directly written video.
      const outgoing = c.env?.outgoing;
      if (outgoing) outgoing.setHeader(name, value);
      else c.res.headers.set(name, value);
    };
    // The answer differs by Origin, so caches must keep them apart.
    set('Vary', 'Origin');
    const permitted = origin !== undefined && allowed.has(origin);
    const preflight = c.req.method === 'OPTIONS' && c.req.header('access-control-request-method') !== undefined;
    if (preflight) {
      if (!permitted) return c.body(null, 204);
      set('Access-Control-Allow-Origin', origin);
      set('Access-Control-Allow-Methods', allowedMethods);
      set('Access-Control-Allow-Headers', allowedHeaders);
      set('Access-Control-Max-Age', String(maxAge));
      return c.body(null, 204);
    }
    if (permitted) {
      set('Access-Control-Allow-Origin', origin);
      set('Access-Control-Expose-Headers', exposedHeaders);
    }
    await next();
    return undefined;
  };
}
