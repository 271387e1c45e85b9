import type { ConsentPolicy, ConsentRecord } from '@vopop/core';
import { InvalidArgumentError, RemoteRenderer, assertConsent } from '@vopop/core';
import type { VopopRemoteConfig } from '../worker/workerProtocol';

const codecs = new Set(['auto', 'avc', 'vp9']);

/**
 * Check the page's remote configuration and flatten it to plain data for `postMessage`, with the
 * service's origin (which consents must name). The checks are core's `RemoteRenderer`'s own
 * (https or loopback, no credentials in the URL, an API key, pinned Ed25519 keys), made on the
 * page so that a bad configuration fails when the client is created, with
 * `InvalidArgumentError`, before any photo is picked.
 *
 * @internal
 */
export function remoteConfigOf(remote: VopopRemoteConfig): { readonly config: VopopRemoteConfig; readonly origin: string } {
  if (typeof remote !== 'object' || remote === null) throw new InvalidArgumentError('remote must be an object naming endpoint, apiKey and receiptKeys.');
  const renderer = new RemoteRenderer({ endpoint: remote.endpoint, apiKey: remote.apiKey, receiptKeys: remote.receiptKeys });
  if (remote.codec !== undefined && !codecs.has(remote.codec)) {
    throw new InvalidArgumentError("remote.codec must be 'auto', 'avc' or 'vp9'.");
  }
  if (remote.timeoutMs !== undefined && !(Number.isInteger(remote.timeoutMs) && remote.timeoutMs > 0)) {
    throw new InvalidArgumentError('remote.timeoutMs must be a positive whole number of milliseconds.');
  }
  const config: VopopRemoteConfig = {
    endpoint: new URL(String(remote.endpoint)).href,
    apiKey: remote.apiKey,
    receiptKeys: remote.receiptKeys.map((key) => ({ ...key })),
    ...(remote.codec !== undefined ? { codec: remote.codec } : {}),
    ...(remote.timeoutMs !== undefined ? { timeoutMs: remote.timeoutMs } : {}),
  };
  return { config, origin: renderer.remoteOrigin };
}

/**
 * The worker's renderer for a remote configuration: core's `RemoteRenderer`, calling the service
 * through `fetchImpl` (the worker's own `fetch`, so the page's CSP `connect-src` and the service's
 * CORS answer decide what it may reach).
 *
 * @internal
 */
export function remoteRendererFor(remote: VopopRemoteConfig, fetchImpl: typeof fetch): RemoteRenderer {
  return new RemoteRenderer({
    endpoint: remote.endpoint,
    apiKey: remote.apiKey,
    receiptKeys: remote.receiptKeys,
    fetch: fetchImpl,
    ...(remote.codec !== undefined ? { codec: remote.codec } : {}),
    ...(remote.timeoutMs !== undefined ? { timeoutMs: remote.timeoutMs } : {}),
  });
}

/**
 * P8 for the renderer a generation will use: a local one needs consent to on-device processing,
 * a remote one consent to `'remote-service'` naming its origin; then the app's policy (notice
 * version, age). Throws `ConsentRequiredError` with its reason, before anything is read.
 *
 * @internal
 */
export function assertConsentForRenderer(
  consent: unknown,
  remoteOrigin: string | undefined,
  policy: ConsentPolicy | undefined,
): asserts consent is ConsentRecord {
  if (remoteOrigin === undefined) assertConsent(consent, 'on-device', undefined, policy);
  else assertConsent(consent, 'remote-service', remoteOrigin, policy);
}
