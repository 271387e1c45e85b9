import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RgbaImage, VopopPlatform } from '@vopop/core';
import {
  remoteOpenApiDocument,
  receiptHeader,
  verifyDeletionReceipt,
} from '@vopop/core';
import { createNodePlatform } from '@vopop/node-adapter';
import type { NodePlatform } from '@vopop/node-adapter';
import sharp from 'sharp';
import { createReceiptSigner, createRenderServer, listenRenderServer } from '@vopop/render-server';
import type { ListeningRenderServer, ReceiptSigner, RenderServerLogEvent, RenderServerOptions } from '@vopop/render-server';
import { captureCrop, tinyTemplate } from './support/remoteTestKit';

const apiKey = 'test-key-0123456789abcdef';
let platform: NodePlatform;
let signer: ReceiptSigner;
let crop: Uint8Array;

beforeAll(async () => {
  platform = await createNodePlatform();
  signer = await createReceiptSigner();
  crop = await captureCrop(platform, apiKey, signer.publicKey);
});

afterAll(async () => {
  await platform?.[Symbol.asyncDispose]();
});

async function start(options: Partial<RenderServerOptions> = {}, serverPlatform: VopopPlatform = platform) {
  const log: RenderServerLogEvent[] = [];
  const server = createRenderServer({
    platform: serverPlatform,
    signer,
    apiKeys: { [apiKey]: 'tests' },
    templates: [tinyTemplate],
    log: (event) => log.push(event),
    ...options,
  });
  const listening = await listenRenderServer(server, { port: 0 });
  return { server, listening, log };
}

function post(
  listening: ListeningRenderServer,
  init: { body?: Uint8Array; headers?: Record<string, string>; query?: string } = {},
): Promise<Response> {
  return fetch(`${listening.url}/v1/renders?${init.query ?? 'template=remote-tiny'}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${apiKey}`,
      'idempotency-key': 'idem-0123456789abcdef',
      'content-type': 'image/png',
      ...init.headers,
    },
    body: (init.body ?? new Uint8Array(crop)) as Uint8Array<ArrayBuffer>,
  });
}

/** A platform whose renderer waits at a gate (or for its job's abort) before rendering. */
function gatedPlatform() {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let entered!: () => void;
  const started = new Promise<void>((resolve) => (entered = resolve));
  const seen: RgbaImage[] = [];
  const gated: VopopPlatform = {
    ...platform,
    renderer: {
      async render(job, scope) {
        seen.push(job.photo);
        entered();
        await new Promise<void>((resolve, reject) => {
          void gate.then(resolve);
          job.signal?.addEventListener('abort', () => reject(job.signal!.reason), { once: true });
        });
        return platform.renderer.render(job, scope);
      },
    },
  };
  return { gated, open, started, seen };
}

async function problemOf(response: Response) {
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  return (await response.json()) as { code: string; status: number; retryable: boolean };
}

describe('reference render server', () => {
  it('answers health, readiness, its keys and its OpenAPI document', async () => {
    const { listening } = await start();
    try {
      expect(await (await fetch(`${listening.url}/health`)).json()).toEqual({ status: 'ok' });
      expect(await (await fetch(`${listening.url}/ready`)).json()).toEqual({ status: 'ready' });
      expect(await (await fetch(`${listening.url}/.well-known/jwks.json`)).json()).toEqual({ keys: [signer.publicKey] });
      expect(await (await fetch(`${listening.url}/openapi.json`)).json()).toEqual(remoteOpenApiDocument());
    } finally {
      await listening.close(0);
    }
  });

  it('refuses bad requests with problem+json codes, before reading the body', async () => {
    const { listening, log } = await start({ maxBodyBytes: 300_000 });
    try {
      const cases: Array<[string, Promise<Response>, number, string]> = [
        ['no key', post(listening, { headers: { authorization: '' } }), 401, 'unauthorized'],
        ['unknown key', post(listening, { headers: { authorization: 'Bearer not-the-key-0123456789' } }), 403, 'forbidden'],
        ['not a PNG', post(listening, { headers: { 'content-type': 'image/jpeg' } }), 415, 'unsupported_media_type'],
        ['too large', post(listening, { body: new Uint8Array(400_000) }), 413, 'payload_too_large'],
        ['no idempotency key', post(listening, { headers: { 'idempotency-key': '' } }), 400, 'invalid_request'],
        ['bad template id', post(listening, { query: 'template=NOT%20OK' }), 400, 'invalid_request'],
        ['unknown template', post(listening, { query: 'template=no-such' }), 404, 'template_not_found'],
      ];
      for (const [name, response, status, code] of cases) {
        const answer = await response;
        expect({ name, status: answer.status }).toEqual({ name, status });
        expect(await problemOf(answer)).toMatchObject({ code, status, retryable: false });
      }
      // The log names codes, never the key, the idempotency key or any payload.
      const written = JSON.stringify(log);
      expect(written).not.toContain(apiKey);
      expect(written).not.toContain('idem-0123456789abcdef');
      expect(log.filter((e) => e.event === 'refused').map((e) => e.code)).toHaveLength(cases.length);
    } finally {
      await listening.close(0);
    }
  });

  it('answers 422 no_face for a crop without a face, with a signed receipt of what it wiped', async () => {
    const { listening } = await start();
    try {
      const blank = new Uint8Array(await sharp({ create: { width: 512, height: 512, channels: 4, background: '#808080' } }).png().toBuffer());
      const response = await post(listening, { body: blank });
      expect(response.status).toBe(422);
      expect(await problemOf(response)).toMatchObject({ code: 'no_face', retryable: false });
      const verified = await verifyDeletionReceipt(response.headers.get(receiptHeader)!, [signer.publicKey]);
      expect(verified.ok && verified.receipt.payload).toMatchObject({ outcome: 'failed', output: null });
      const held = verified.ok ? verified.receipt.payload.held : [];
      expect(held.find((h) => h.kind === 'input')).toMatchObject({ phase: 'before-response', verified: true });
    } finally {
      await listening.close(0);
    }
  });

  it('limits each key’s rate: 429 with Retry-After', async () => {
    const { listening } = await start({ rateLimit: { perMinute: 1, burst: 1 } });
    try {
      const blank = new Uint8Array(8);
      await (await post(listening, { body: blank })).arrayBuffer();
      const second = await post(listening, { body: blank });
      expect(second.status).toBe(429);
      expect(Number(second.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await problemOf(second)).toMatchObject({ code: 'rate_limited', retryable: true });
    } finally {
      await listening.close(0);
    }
  });

  it('beyond its concurrency and wait limits answers only 503 with Retry-After, and still renders the admitted job', async () => {
    const { gated, open, started } = gatedPlatform();
    const { listening } = await start({ maxConcurrent: 1, maxWaiting: 0 }, gated);
    try {
      const first = post(listening);
      await started;
      const refused = await Promise.all([post(listening), post(listening), post(listening)]);
      for (const response of refused) {
        expect(response.status).toBe(503);
        expect(response.headers.get('retry-after')).not.toBeNull();
        expect(await problemOf(response)).toMatchObject({ code: 'unavailable', retryable: true });
      }
      open();
      const answer = await first;
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toBe('video/mp4');
      expect((await answer.arrayBuffer()).byteLength).toBeGreaterThan(0);
    } finally {
      await listening.close(0);
    }
  });

  it('times out a slow render: 503 timeout, its scope purged', async () => {
    const { gated, seen } = gatedPlatform();
    const { listening } = await start({ requestTimeoutMs: 300 }, gated);
    try {
      const response = await post(listening);
      expect(response.status).toBe(503);
      expect(await problemOf(response)).toMatchObject({ code: 'timeout', retryable: true });
      expect(seen[0]!.pixels.isLive).toBe(false);
    } finally {
      await listening.close(0);
    }
  });

  it('shuts down gracefully: refuses new work, aborts and purges the job in flight', async () => {
    const { gated, started, seen } = gatedPlatform();
    const { server, listening, log } = await start({}, gated);
    const inFlight = post(listening).then(
      (r) => r.status,
      () => 'closed',
    );
    await started;
    const pixels = seen[0]!.pixels.value;
    expect(pixels.some((b) => b !== 0)).toBe(true);
    await listening.close(0);
    expect(server.ready).toBe(false);
    expect(seen[0]!.pixels.isLive).toBe(false);
    expect(pixels.every((b) => b === 0)).toBe(true);
    expect(['closed', 503]).toContain(await inFlight);
    const render = log.find((e) => e.event === 'render');
    expect(render?.purged).toMatchObject({ failed: 0 });
    expect(log.find((e) => e.event === 'shutdown')).toMatchObject({ abortedJobs: 1 });
  });
});
