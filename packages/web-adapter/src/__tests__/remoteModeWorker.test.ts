import type { ConsentRecord, DeletionReceiptPayload, EphemeralScope, FaceDetector, FaceLandmarks, ImageDecoder, ReceiptPublicKey, Renderer } from '@vopop/core';
import {
  ConsentRequiredError,
  InvalidArgumentError,
  RenderServiceError,
  canonicalDenseFace,
  defaultWiperRegistry,
  faceLandmarksWiper,
  receiptHeader,
  sha256Hex,
  signDeletionReceipt,
} from '@vopop/core';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createVopopClient } from '../client/createVopopClient';
import type { VopopClient } from '../client/createVopopClient';
import { createVopopWorkerApi, exposeWorkerApi } from '../worker/exposeVopopWorker';
import type { PlatformFactory } from '../worker/exposeVopopWorker';

// Remote mode across the page ↔ worker protocol (a real MessageChannel), with core's real
// RemoteRenderer in the worker and the service played by the fetch the worker is given: what is
// sent, that the verified receipt comes back, that consent must name the service, and that a
// refused receipt arrives on the page as a typed RenderServiceError. The same in Chromium against
// the real render server: e2e/remoteMode.e2e.test.ts.

const endpoint = 'https://render.example.com';
const apiKey = 'web-test-key-0123456789';

function syntheticFace(): FaceLandmarks {
  const count = canonicalDenseFace.length / 2;
  const points = new Float32Array(count * 3);
  for (let i = 0; i < count; i++) {
    points[i * 3] = 20 + canonicalDenseFace[i * 2]! * 200;
    points[i * 3 + 1] = 20 + canonicalDenseFace[i * 2 + 1]! * 200;
  }
  return { imageWidth: 240, imageHeight: 240, pointCount: count, points, box: Float32Array.of(20, 20, 220, 220), score: Float32Array.of(0.99) };
}

/** Ports with a synthetic face; the renderer is the remote one the worker builds itself. */
function fakePorts(calls: string[]): PlatformFactory {
  const decoder: ImageDecoder = {
    async decode(_bytes: Uint8Array, scope: EphemeralScope) {
      calls.push('decode');
      return { width: 240, height: 240, pixels: scope.hold(new Uint8Array(240 * 240 * 4).fill(90), { kind: 'pixels', label: 'photo.pixels' }) };
    },
  };
  const detector = {
    async detect(_image: unknown, scope: EphemeralScope) {
      return [scope.hold(syntheticFace(), { kind: 'landmarks', label: 'face.0', wiper: faceLandmarksWiper })];
    },
    [Symbol.dispose]() {},
  } as unknown as FaceDetector;
  const localRenderer: Renderer = { render: () => Promise.reject(new Error('remote mode must not render locally')) };
  return async () => ({ decoder, detector, renderer: localRenderer, wipers: defaultWiperRegistry, backend: 'wasm', [Symbol.dispose]() {} });
}

type Fault = 'none' | 'bad-signature' | 'other-input';

interface Service {
  readonly fetch: typeof fetch;
  /** Each request's URL and body, as the worker sent them. */
  readonly requests: { url: string; body: Uint8Array; headers: Headers }[];
  fault: Fault;
}

let signingKey: { privateKey: CryptoKey; keyId: string };
let publicKey: ReceiptPublicKey;

beforeAll(async () => {
  const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const { x } = await crypto.subtle.exportKey('jwk', pair.publicKey);
  signingKey = { privateKey: pair.privateKey, keyId: 'test-key' };
  publicKey = { kty: 'OKP', crv: 'Ed25519', x: x!, kid: 'test-key', alg: 'EdDSA', use: 'sig' };
});

/** The rendering service, as a fetch: answers with a video and a receipt signed for the crop. */
function service(): Service {
  const state: Service = {
    requests: [],
    fault: 'none',
    fetch: async (input, init) => {
      const body = new Uint8Array(init!.body as Uint8Array).slice();
      const url = new URL(String(input));
      state.requests.push({ url: url.href, body, headers: new Headers(init!.headers) });
      const video = new Uint8Array(3000).fill(0x42);
      const at = new Date().toISOString();
      const claims: DeletionReceiptPayload = {
        typ: 'vopop-deletion-receipt',
        version: 1,
        idempotencyKey: new Headers(init!.headers).get('idempotency-key')!,
        templateId: url.searchParams.get('template')!,
        input: { sha256: sha256Hex(state.fault === 'other-input' ? new Uint8Array(8) : body), bytes: body.length, mediaType: 'image/png' },
        output: { sha256: sha256Hex(video), bytes: video.length, mediaType: 'video/mp4' },
        outcome: 'rendered',
        receivedAt: at,
        completedAt: at,
        held: [
          { kind: 'input', location: 'memory', bytes: body.length, method: 'zero-fill', wipedAt: at, phase: 'before-response', verified: true },
          { kind: 'output', location: 'memory', bytes: video.length, method: 'zero-fill', wipedAt: null, phase: 'after-response', verified: null },
        ],
        retentionPolicyVersion: 'test',
        buildId: 'test',
        attestation: null,
      };
      let jws = await signDeletionReceipt(claims, signingKey);
      // One changed character of the signature: still well-formed, no longer valid.
      if (state.fault === 'bad-signature') jws = jws.slice(0, -2) + (jws.at(-2) === 'A' ? 'B' : 'A') + jws.at(-1)!;
      return new Response(video, {
        status: 200,
        headers: { 'content-type': 'video/mp4', 'content-length': String(video.length), [receiptHeader]: jws },
      });
    },
  };
  return state;
}

function remoteConsent(origins: string[] = [endpoint]): ConsentRecord {
  return { purpose: 'face-video', processing: 'remote-service', noticeVersion: 'v1', grantedAt: '2026-12-03T09:00:00Z', remoteOrigins: origins };
}
const onDeviceConsent: ConsentRecord = { purpose: 'face-video', processing: 'on-device', noticeVersion: 'v1', grantedAt: '2026-12-03T09:00:00Z' };

function photo(): ArrayBuffer {
  return new Uint8Array(1000).fill(0xab).buffer;
}

vi.stubGlobal('location', new URL('http://127.0.0.1/app/'));
const clients: VopopClient[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.terminate();
});

function remoteClient(fetchImpl: typeof fetch, calls: string[]): VopopClient {
  const channel = new MessageChannel();
  exposeWorkerApi(channel.port2 as never, fakePorts(calls), fetchImpl);
  const worker = Object.assign(channel.port1, {
    terminate: () => {
      channel.port1.close();
      channel.port2.close();
    },
  }) as unknown as Worker;
  const client = createVopopClient({ worker, modelsUrl: '/models/', remote: { endpoint, apiKey, receiptKeys: [publicKey] } });
  clients.push(client);
  return client;
}

const facePolicy = { minInterOcularPx: 1, maxYawDeg: 90, maxPitchDeg: 90 };

describe('remote mode in the web worker', () => {
  it('renders through the service with the worker\'s fetch: only the crop is sent, the verified receipt comes back', async () => {
    const calls: string[] = [];
    const api = service();
    const client = remoteClient(api.fetch, calls);
    const result = await client.generate({ photo: photo(), consent: remoteConsent(), template: 'confetti-pop', facePolicy });
    expect(api.requests).toHaveLength(1);
    const [request] = api.requests;
    expect(request!.url).toBe(`${endpoint}/v1/renders?template=confetti-pop&codec=auto`);
    expect(request!.headers.get('authorization')).toBe(`Bearer ${apiKey}`);
    // A PNG (the crop), not the 1000-byte photo that was given.
    expect([...request!.body.subarray(1, 4)]).toEqual([0x50, 0x4e, 0x47]);
    expect(result.deletionReceipt?.keyId).toBe('test-key');
    expect(result.deletionReceipt?.payload.input.sha256).toBe(sha256Hex(request!.body));
    expect(result.video.value.length).toBe(3000);
    expect(result.receipt.records.find((record) => record.label === 'remote.crop.png')).toMatchObject({ outcome: 'wiped', verified: true });
    result.video.purge();
  });

  it.each([
    ['a bad signature', 'bad-signature', /receipt signature/],
    ['a receipt for another input', 'other-input', /another input/],
  ] as const)('%s: a typed RenderServiceError on the page, no video', async (_name, fault, reason) => {
    const api = service();
    api.fault = fault;
    const client = remoteClient(api.fetch, []);
    let purged = false;
    const error = await client
      .generate({ photo: photo(), consent: remoteConsent(), template: 'confetti-pop', facePolicy, onPurged: () => (purged = true) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RenderServiceError);
    const typed = error as RenderServiceError;
    expect(typed.code).toBe('RENDER_SERVICE');
    expect(typed.failure).toBe('receipt-invalid');
    // The details cross the boundary, so the class's own getter works on the page.
    expect(typed.retryable).toBe(false);
    expect(typed.details.reason).toMatch(reason);
    expect(api.requests).toHaveLength(1);
    expect(purged).toBe(true);
  });

  it.each([
    ['an on-device record', onDeviceConsent, 'mode-mismatch'],
    ['a record naming another service', remoteConsent(['https://other.example.com']), 'origin-not-named'],
  ])('page: %s is refused before the photo leaves; nothing is sent', async (_name, consent, reason) => {
    const calls: string[] = [];
    const api = service();
    const client = remoteClient(api.fetch, calls);
    const input = photo();
    const error = await client.generate({ photo: input, consent }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConsentRequiredError);
    expect((error as ConsentRequiredError).reason).toBe(reason);
    expect(input.byteLength).toBe(1000);
    expect(calls).toEqual([]);
    expect(api.requests).toEqual([]);
  });

  it.each([
    ['an on-device record', onDeviceConsent, 'mode-mismatch'],
    ['a record naming another service', remoteConsent(['https://other.example.com']), 'origin-not-named'],
  ])('worker: %s is refused before its decoder is called; nothing is sent', async (_name, consent, reason) => {
    const calls: string[] = [];
    const api = service();
    const worker = createVopopWorkerApi(fakePorts(calls), api.fetch);
    await worker.init({ modelsUrl: 'http://127.0.0.1/models/', remote: { endpoint, apiKey, receiptKeys: [publicKey] } });
    const answer = await worker.generate(photo(), { jobId: 1, consent });
    expect(answer.ok).toBe(false);
    if (answer.ok) return;
    expect(answer.error.code).toBe('CONSENT_REQUIRED');
    expect(answer.error.fields['reason']).toBe(reason);
    expect(calls).toEqual([]);
    expect(api.requests).toEqual([]);
    worker.close();
  });

  it('a local worker refuses a remote record (the check is by the worker\'s own renderer)', async () => {
    const calls: string[] = [];
    const worker = createVopopWorkerApi(fakePorts(calls));
    await worker.init({ modelsUrl: 'http://127.0.0.1/models/' });
    const answer = await worker.generate(photo(), { jobId: 1, consent: remoteConsent() });
    expect(!answer.ok && answer.error.fields['reason']).toBe('mode-mismatch');
    expect(calls).toEqual([]);
    worker.close();
  });

  it.each([
    ['plain http off loopback', () => ({ endpoint: 'http://render.example.com', apiKey, receiptKeys: [publicKey] })],
    ['no pinned key', () => ({ endpoint, apiKey, receiptKeys: [] })],
    ['a short API key', () => ({ endpoint, apiKey: 'short', receiptKeys: [publicKey] })],
    ['an unknown codec', () => ({ endpoint, apiKey, receiptKeys: [publicKey], codec: 'hevc' as never })],
  ])('a bad remote configuration (%s) is an InvalidArgumentError before any worker starts', (_name, remote) => {
    const worker = vi.fn<() => Worker>();
    expect(() => createVopopClient({ worker, modelsUrl: '/models/', remote: remote() })).toThrow(InvalidArgumentError);
    expect(worker).not.toHaveBeenCalled();
  });
});
