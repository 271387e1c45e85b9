import { EncoderUnavailableError } from '@vopop/core';
import type { VideoEncoderClass } from './colourTaggedVideoEncoder';
import { colourTaggedVideoEncoder, isColourTagged } from './colourTaggedVideoEncoder';

/** The exports of `@napi-rs/webcodecs` that are installed as globals. */
const installedNames = [
  'VideoDecoder',
  'VideoFrame',
  'EncodedVideoChunk',
  'VideoColorSpace',
  'DOMRectReadOnly',
] as const;

/**
 * What {@link installWebCodecs} did.
 *
 * @public
 */
export interface WebCodecsInstallation {
  /** `'napi-rs'` when the globals come from `@napi-rs/webcodecs`, `'native'` when they were there. */
  readonly provider: 'napi-rs' | 'native';
  /** Whether `VideoEncoder` is the colour-tag-corrected wrapper. */
  readonly colourTagsCorrected: boolean;
}

let installation: Promise<WebCodecsInstallation> | undefined;

/**
 * Make the WebCodecs globals (`VideoEncoder`, `VideoDecoder`, `VideoFrame`, …) available in Node
 * from the optional package `@napi-rs/webcodecs` (pin 1.3.1), so that core's
 * `WebCodecsVideoEncoder` and `decodeVideo` run unchanged. Idempotent: later calls return the
 * first call's result.
 *
 * `VideoEncoder` is installed wrapped so that the colour space written into files is the one the
 * pixels are actually in (BT.601 limited range); see `colourTaggedVideoEncoder`. Globals the
 * runtime already provides natively are left alone; the package's own unwrapped encoder (from
 * `import '@napi-rs/webcodecs/polyfill'`) is replaced by the wrapped one.
 *
 * The package is optional because its prebuilt binary bundles FFmpeg with x264 (GPL) although
 * the package says MIT: apps that must avoid GPL code leave it out and supply another
 * `VideoEncoderPort`. Without it this throws `EncoderUnavailableError` (`'missing-package'`).
 *
 * @public
 */
export function installWebCodecs(): Promise<WebCodecsInstallation> {
  installation ??= install().catch((error: unknown) => {
    installation = undefined;
    throw error;
  });
  return installation;
}

async function install(): Promise<WebCodecsInstallation> {
  const g = globalThis as unknown as Record<string, unknown>;
  let napi: Record<string, unknown>;
  try {
    // A variable specifier keeps bundlers from resolving the optional package at build time.
    const specifier = '@napi-rs/webcodecs';
    const loaded = (await import(specifier)) as Record<string, unknown> & { default?: unknown };
    napi = (loaded.default ?? loaded) as Record<string, unknown>;
  } catch (error) {
    if (typeof g['VideoEncoder'] === 'function' && typeof g['VideoFrame'] === 'function') {
      return { provider: 'native', colourTagsCorrected: false };
    }
    throw new EncoderUnavailableError('missing-package', [], undefined, { cause: error });
  }
  const NativeEncoder = napi['VideoEncoder'];
  if (typeof NativeEncoder !== 'function') {
    throw new EncoderUnavailableError(
      'missing-package',
      [],
      'The installed @napi-rs/webcodecs has no VideoEncoder; install version 1.3.1.',
    );
  }
  const existing = g['VideoEncoder'];
  if (isColourTagged(existing)) return { provider: 'napi-rs', colourTagsCorrected: true };
  if (existing !== undefined && existing !== NativeEncoder) {
    // The runtime (or someone else) already provides WebCodecs; do not replace it.
    return { provider: 'native', colourTagsCorrected: false };
  }
  g['VideoEncoder'] = colourTaggedVideoEncoder(NativeEncoder as VideoEncoderClass);
  for (const name of installedNames) {
    if (g[name] === undefined && napi[name] !== undefined) g[name] = napi[name];
  }
  return { provider: 'napi-rs', colourTagsCorrected: true };
}
