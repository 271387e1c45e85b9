import { AbortedError, TemplateInvalidError } from '@vopop/core';

/**
 * Where a fetched template file may end up after redirects: on `origin`, and, when `folder` is
 * given, at a path below it.
 *
 * @internal
 */
export interface TemplateFileBounds {
  /** The origin the file must come from (after any redirect). */
  readonly origin: string;
  /** A folder path (ending in `/`) the file must stay under; omitted for the manifest itself. */
  readonly folder?: string;
}

/**
 * A template file that was fetched: its bytes and the URL it finally came from (after same-origin
 * redirects; relative paths in a manifest resolve against it, as in any browser).
 *
 * @internal
 */
export interface FetchedTemplateFile {
  readonly bytes: Uint8Array;
  readonly url: URL;
}

/**
 * Whether `url` is inside `bounds`. Paths are compared after the URL parser has resolved `.`,
 * `..` and their percent-encoded forms, so what is compared is what is requested.
 *
 * @internal
 */
function withinBounds(url: URL, bounds: TemplateFileBounds): boolean {
  if (url.origin !== bounds.origin) return false;
  if (url.username !== '' || url.password !== '') return false;
  return bounds.folder === undefined || url.pathname.startsWith(bounds.folder);
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortedError(signal.reason);
}

/** The whole body, refused as soon as it passes `maxBytes`; read in chunks so a huge body is never buffered. */
async function readCapped(response: Response, field: string, maxBytes: number, signal: AbortSignal | undefined): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    throw TemplateInvalidError.at(field, `the file is larger than ${maxBytes} bytes`);
  }
  const body = response.body;
  if (!body) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      length += value.byteLength;
      if (length > maxBytes) throw TemplateInvalidError.at(field, `the file is larger than ${maxBytes} bytes`);
      chunks.push(value);
    }
  } catch (error) {
    await reader.cancel().catch(() => undefined);
    throwIfAborted(signal);
    if (error instanceof TemplateInvalidError) throw error;
    throw TemplateInvalidError.at(field, 'the file could not be read to the end', error);
  } finally {
    reader.releaseLock();
  }
  if (chunks.length === 1) return chunks[0]!;
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/**
 * GET one file of a template (the manifest, an image, a video) with the page's own credentials
 * only, and refuse, as a `TemplateInvalidError` naming `field`, anything that is not a 2xx
 * answer from inside `bounds`: a redirect that leaves them (checked on the final
 * `response.url`), an HTTP error, a network failure, or a body over `maxBytes`. An abort is an
 * `AbortedError`. Messages name the field, never the URL or the path: both come from the
 * template, and the page may show the message.
 *
 * Redirects are followed rather than refused outright so that a host that redirects within its
 * own origin keeps working; a redirect to another origin is also stopped by the documented CSP
 * (`connect-src 'self'`) before it is requested, and in any case carries no credentials.
 *
 * @internal
 */
export async function fetchTemplateFile(
  url: URL,
  options: { readonly field: string; readonly bounds: TemplateFileBounds; readonly maxBytes: number; readonly signal?: AbortSignal | undefined },
): Promise<FetchedTemplateFile> {
  const { field, bounds, maxBytes, signal } = options;
  throwIfAborted(signal);
  const outside = bounds.folder === undefined ? "off the app's origin" : 'outside the template folder';
  if (!withinBounds(url, bounds)) throw TemplateInvalidError.at(field, `the file lies ${outside}`);
  let response: Response;
  try {
    response = await fetch(url, { credentials: 'same-origin', redirect: 'follow', ...(signal ? { signal } : {}) });
  } catch (error) {
    throwIfAborted(signal);
    throw TemplateInvalidError.at(field, 'the file could not be fetched (network error)', error);
  }
  try {
    // An empty `url` only comes from a synthetic Response; the request's own URL is then the answer's.
    const finalUrl = response.url ? new URL(response.url) : url;
    // Where the answer came from, after any redirect (`response.redirected`), is what counts.
    if (!withinBounds(finalUrl, bounds)) {
      throw TemplateInvalidError.at(field, `the file was redirected ${outside}`);
    }
    if (!response.ok) throw TemplateInvalidError.at(field, `the file answered HTTP ${response.status}`);
    return { bytes: await readCapped(response, field, maxBytes, signal), url: finalUrl };
  } catch (error) {
    // An unread body keeps the connection busy; let it go.
    if (!response.bodyUsed) await response.body?.cancel().catch(() => undefined);
    throw error;
  }
}
