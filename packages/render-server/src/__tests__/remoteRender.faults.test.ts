import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerResponse } from 'node:http';
import type { PurgeReceipt, ReceiptPublicKey, Wiper } from '@vopop/core';
import { gzipSync } from 'node:zlib';
import { generateVideo, receiptHeader, RemoteRenderer, RenderServiceError, signDeletionReceipt, WiperRegistry } from '@vopop/core';
import { createNodePlatform } from '@vopop/node-adapter';
import type { NodePlatform } from '@vopop/node-adapter';
import type { FaultRequest } from './support/faultServer';
import { answerWithReceipt, receiptClaimsFor, startFaultServer } from './support/faultServer';
import { assertNothingLeft, fixturePhoto, remoteConsent, tinyTemplate } from './support/remoteTestKit';

const apiKey = 'test-key-0123456789abcdef';
let platform: NodePlatform;
let pinned: { privateKey: CryptoKey; keyId: string; jwk: ReceiptPublicKey };
let impostor: { privateKey: CryptoKey; keyId: string };

async function ed25519(kid: string) {
  const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const { x } = await crypto.subtle.exportKey('jwk', pair.publicKey);
  return { privateKey: pair.privateKey, keyId: kid, jwk: { kty: 'OKP', crv: 'Ed25519', x: x!, kid } as ReceiptPublicKey };
}

beforeAll(async () => {
  platform = await createNodePlatform();
  pinned = await ed25519('pinned');
  // Same kid, another key: what a forged receipt looks like.
  impostor = await ed25519('pinned');
});

afterAll(async () => {
  await platform?.[Symbol.asyncDispose]();
});

const problem = (res: ServerResponse, status: number, code: string, retryable: boolean, retryAfter?: number) => {
  res.writeHead(status, { 'content-type': 'application/problem+json', ...(retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) }) });
  res.end(JSON.stringify({ type: `urn:vopop:problem:${code}`, title: code, status, code, retryable }));
};

const someVideo = () => crypto.getRandomValues(new Uint8Array(4096));

interface FaultCase {
  readonly name: string;
  readonly handle: (request: FaultRequest, res: ServerResponse, other: string) => void | Promise<void>;
  readonly expected: Partial<RenderServiceError['details']> & { failure: RenderServiceError['failure'] };
  readonly timeoutMs?: number;
  /** The client received a body it then had to wipe. */
  readonly bodyWiped?: boolean;
}

const cases: readonly FaultCase[] = [
  {
    name: '500 (retried, then given up)',
    handle: (_r, res) => problem(res, 500, 'internal', true),
    expected: { failure: 'http', status: 500, problemCode: 'internal', retryable: true, attempts: 2 },
  },
  {
    name: '429 with Retry-After',
    handle: (_r, res) => problem(res, 429, 'rate_limited', true, 1),
    expected: { failure: 'http', status: 429, problemCode: 'rate_limited', retryable: true, attempts: 2 },
  },
  {
    name: '503 with Retry-After',
    handle: (_r, res) => problem(res, 503, 'unavailable', true, 1),
    expected: { failure: 'http', status: 503, problemCode: 'unavailable', retryable: true, attempts: 2 },
  },
  {
    name: '422 no face (not retried)',
    handle: (_r, res) => problem(res, 422, 'no_face', false),
    expected: { failure: 'http', status: 422, problemCode: 'no_face', retryable: false, attempts: 1 },
  },
  {
    name: 'timeout (the service never answers)',
    handle: () => undefined,
    timeoutMs: 1500,
    expected: { failure: 'timeout', retryable: true },
  },
  {
    name: 'connection reset mid-body',
    handle: (r, res) => {
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': '100000', 'vopop-deletion-receipt': 'x.y.z' });
      res.write(someVideo(), () => res.socket?.resetAndDestroy());
      void r;
    },
    expected: { failure: 'network', retryable: true, attempts: 2 },
  },
  {
    name: 'truncated body (fewer bytes than Content-Length)',
    handle: (_r, res) => {
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': '100000', 'vopop-deletion-receipt': 'x.y.z' });
      res.write(someVideo(), () => res.socket?.end());
    },
    expected: { failure: 'network', retryable: true, attempts: 2 },
  },
  {
    name: 'malformed JSON in a problem answer',
    handle: (_r, res) => {
      res.writeHead(400, { 'content-type': 'application/problem+json' });
      res.end('{"code": "no_face", "retryable": fal');
    },
    expected: { failure: 'http', status: 400, retryable: false, attempts: 1 },
  },
  {
    name: 'a huge body (past the client limit, no Content-Length)',
    handle: async (r, res) => {
      const claims = await receiptClaimsFor(r, someVideo());
      res.writeHead(200, { 'content-type': 'video/mp4', 'vopop-deletion-receipt': 'x.y.z' });
      for (let i = 0; i < 40; i++) res.write(new Uint8Array(65_536).fill(7));
      res.end();
      void claims;
    },
    expected: { failure: 'too-large', retryable: false, attempts: 1 },
  },
  {
    name: 'a bad signature (another key under the pinned kid)',
    handle: async (r, res) => {
      const video = someVideo();
      await answerWithReceipt(res, video, await receiptClaimsFor(r, video), impostor);
    },
    expected: { failure: 'receipt-invalid', retryable: false, attempts: 1, reason: 'receipt signature' },
    bodyWiped: true,
  },
  {
    name: 'a receipt for another input',
    handle: async (r, res) => {
      const video = someVideo();
      const claims = await receiptClaimsFor(r, video);
      await answerWithReceipt(res, video, { ...claims, input: { ...claims.input, sha256: 'f'.repeat(64) } }, pinned);
    },
    expected: { failure: 'receipt-invalid', retryable: false, attempts: 1, reason: 'receipt is for another input' },
    bodyWiped: true,
  },
  {
    name: 'a receipt for another output',
    handle: async (r, res) => {
      const video = someVideo();
      await answerWithReceipt(res, video, await receiptClaimsFor(r, someVideo()), pinned);
    },
    expected: { failure: 'receipt-invalid', retryable: false, attempts: 1, reason: 'receipt is for another output' },
    bodyWiped: true,
  },
  {
    name: 'a redirect to another origin',
    handle: (_r, res, other) => {
      res.writeHead(307, { location: `${other}/v1/renders?template=remote-tiny` });
      res.end();
    },
    expected: { failure: 'redirect', status: 307, retryable: false, attempts: 1 },
  },
];

async function runAgainst(url: string, timeoutMs: number, wipers?: WiperRegistry) {
  const renderer = new RemoteRenderer({
    endpoint: url,
    apiKey,
    receiptKeys: [pinned.jwk],
    timeoutMs,
    maxResponseBytes: 1024 * 1024,
    retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 20 },
  });
  const photo = fixturePhoto('portrait_small.jpg');
  let purge: PurgeReceipt | undefined;
  const error = await generateVideo(
    { photo, consent: remoteConsent(url), template: tinyTemplate, onPurged: (r) => (purge = r) },
    { ...platform, renderer, ...(wipers ? { wipers } : {}) },
  ).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  return { error, purge, photo };
}

describe('remote rendering faults: each a typed error, with nothing left behind', () => {
  it.each(cases)('$name', async ({ handle, expected, timeoutMs, bodyWiped }) => {
    const elsewhere = await startFaultServer((_r, _req, res) => {
      res.end();
    });
    const times: number[] = [];
    const service = await startFaultServer((request, _req, res) => {
      times.push(Date.now());
      return handle(request, res, elsewhere.url);
    });
    try {
      const { error, purge, photo } = await runAgainst(service.url, timeoutMs ?? 20_000);
      expect(error).toBeInstanceOf(RenderServiceError);
      const { failure, ...details } = expected;
      expect((error as RenderServiceError).failure).toBe(failure);
      expect((error as RenderServiceError).details).toMatchObject(details);
      assertNothingLeft(purge, photo);
      expect(purge!.records.find((r) => r.label === 'remote.crop.png')).toMatchObject({ outcome: 'wiped', verified: true });
      if (bodyWiped) expect(purge!.records.find((r) => r.label === 'remote.video')).toMatchObject({ outcome: 'wiped', verified: true });
      // A redirect is never followed: the other origin saw nothing.
      expect(elsewhere.requests()).toBe(0);
      // Retry-After is honoured: the retry came no sooner than the second the service asked for.
      if (expected.problemCode === 'rate_limited' || expected.problemCode === 'unavailable') {
        expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(1000);
      }
      expect(service.requests()).toBe(expected.attempts ?? service.requests());
    } finally {
      await service.close();
      await elsewhere.close();
    }
  });

  it('the app\'s AbortSignal cancels a render in flight: AbortedError, nothing left behind', async () => {
    const controller = new AbortController();
    const service = await startFaultServer(() => controller.abort(new Error('user cancelled')));
    try {
      const renderer = new RemoteRenderer({ endpoint: service.url, apiKey, receiptKeys: [pinned.jwk] });
      const photo = fixturePhoto('portrait_small.jpg');
      let purge: PurgeReceipt | undefined;
      await expect(
        generateVideo(
          { photo, consent: remoteConsent(service.url), template: tinyTemplate, signal: controller.signal, onPurged: (r) => (purge = r) },
          { ...platform, renderer },
        ),
      ).rejects.toMatchObject({ code: 'ABORTED' });
      assertNothingLeft(purge, photo);
      expect(service.requests()).toBe(1);
    } finally {
      await service.close();
    }
  });

  it('accepts a compressed answer (a proxy may gzip): Content-Length then counts compressed bytes', async () => {
    const service = await startFaultServer(async (request, _req, res) => {
      const video = new Uint8Array(20_000).fill(3);
      const jws = await signDeletionReceipt(await receiptClaimsFor(request, video), pinned);
      const body = gzipSync(video);
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-encoding': 'gzip', 'content-length': String(body.length), [receiptHeader]: jws });
      res.end(body);
    });
    try {
      const renderer = new RemoteRenderer({ endpoint: service.url, apiKey, receiptKeys: [pinned.jwk] });
      const result = await generateVideo({ photo: fixturePhoto('portrait_small.jpg'), consent: remoteConsent(service.url), template: tinyTemplate }, { ...platform, renderer });
      using video = result.video;
      expect(video.value.length).toBe(20_000);
      expect(result.deletionReceipt?.payload.output?.bytes).toBe(20_000);
    } finally {
      await service.close();
    }
  });

  it('the check catches a wiper that claims to wipe but does not (mutant)', async () => {
    const lyingWiper: Wiper<Uint8Array> = {
      name: 'lying',
      matches: (value): value is Uint8Array => value instanceof Uint8Array,
      measure: (value) => value.byteLength,
      wipe: (value) => ({ method: 'zero-fill', bytes: value.byteLength, verified: true }),
    };
    const service = await startFaultServer((_r, _req, res) => problem(res, 422, 'no_face', false));
    try {
      const { error, purge, photo } = await runAgainst(service.url, 20_000, new WiperRegistry([lyingWiper]));
      expect(error).toBeInstanceOf(RenderServiceError);
      expect(() => assertNothingLeft(purge, photo)).toThrow(/photo buffer/);
    } finally {
      await service.close();
    }
  });
});
