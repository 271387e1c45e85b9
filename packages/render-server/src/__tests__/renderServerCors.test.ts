import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '@vopop/core';
import { createNodePlatform } from '@vopop/node-adapter';
import type { NodePlatform } from '@vopop/node-adapter';
import { createReceiptSigner, createRenderServer, listenRenderServer } from '@vopop/render-server';
import type { ListeningRenderServer, ReceiptSigner, RenderServerCorsOptions } from '@vopop/render-server';
import { captureCrop, tinyTemplate } from './support/remoteTestKit';

// CORS on the real server over loopback: a browser page may call it only from an origin the
// operator listed. (The same in Chromium, preflight and all: web-adapter e2e/remoteMode.e2e.test.ts.)

const apiKey = 'test-key-0123456789abcdef';
const app = 'http://127.0.0.1:5173';
let platform: NodePlatform;
let signer: ReceiptSigner;
let crop: Uint8Array;
const servers: ListeningRenderServer[] = [];

beforeAll(async () => {
  platform = await createNodePlatform();
  signer = await createReceiptSigner();
  crop = await captureCrop(platform, apiKey, signer.publicKey);
});

afterAll(async () => {
  for (const server of servers.splice(0)) await server.close(0);
  await platform?.[Symbol.asyncDispose]();
});

async function start(cors?: RenderServerCorsOptions): Promise<string> {
  const server = await listenRenderServer(
    createRenderServer({ platform, signer, apiKeys: { [apiKey]: 'tests' }, templates: [tinyTemplate], ...(cors ? { cors } : {}) }),
    { port: 0 },
  );
  servers.push(server);
  return server.url;
}

/** What a browser sends before the render request, which it may not send unasked. */
function preflight(url: string, origin: string): Promise<Response> {
  return fetch(`${url}/v1/renders?template=remote-tiny`, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization,content-type,idempotency-key',
    },
  });
}

function render(url: string, origin: string): Promise<Response> {
  return fetch(`${url}/v1/renders?template=remote-tiny`, {
    method: 'POST',
    headers: { origin, authorization: `Bearer ${apiKey}`, 'idempotency-key': 'cors-test-0123456789ab', 'content-type': 'image/png' },
    body: crop.slice(),
  });
}

describe('render server CORS', () => {
  it('answers an allowed origin\'s preflight with exactly the contract\'s headers, and no wildcard', async () => {
    const url = await start({ allowedOrigins: [app] });
    const answer = await preflight(url, app);
    expect(answer.status).toBe(204);
    expect(answer.headers.get('access-control-allow-origin')).toBe(app);
    expect(answer.headers.get('access-control-allow-methods')).toBe('GET, POST');
    expect(answer.headers.get('access-control-allow-headers')).toBe('authorization, idempotency-key, content-type');
    expect(answer.headers.get('access-control-max-age')).toBe('600');
    expect(answer.headers.get('access-control-allow-credentials')).toBeNull();
    expect(answer.headers.get('vary')).toMatch(/Origin/);
  });

  it('sends the video to an allowed origin with the receipt header exposed (the socket path)', async () => {
    const url = await start({ allowedOrigins: [app] });
    const answer = await render(url, app);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBe(app);
    expect(answer.headers.get('access-control-expose-headers')).toBe('Vopop-Deletion-Receipt, Retry-After');
    expect(answer.headers.get('vopop-deletion-receipt')).toMatch(/^ey/);
    expect((await answer.arrayBuffer()).byteLength).toBeGreaterThan(0);
    // A refusal is readable too, so the page gets the problem's code, not an opaque failure.
    const refused = await fetch(`${url}/v1/renders?template=remote-tiny`, { method: 'POST', headers: { origin: app } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe(app);
    await refused.arrayBuffer();
  });

  it('sets the same headers without a socket (a fetch handler on another runtime)', async () => {
    const { app: hono } = createRenderServer({ platform, signer, apiKeys: { [apiKey]: 'tests' }, cors: { allowedOrigins: [app] } });
    const answer = await hono.request('/health', { headers: { origin: app } });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBe(app);
    expect(answer.headers.get('access-control-expose-headers')).toBe('Vopop-Deletion-Receipt, Retry-After');
    const other = await hono.request('/health', { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('gives another origin no CORS header at all (its browser blocks the call)', async () => {
    const url = await start({ allowedOrigins: [app] });
    for (const origin of ['http://127.0.0.1:5174', 'https://evil.example', 'null']) {
      const answer = await preflight(url, origin);
      expect(answer.headers.get('access-control-allow-origin')).toBeNull();
      expect(answer.headers.get('access-control-allow-headers')).toBeNull();
    }
    const answer = await render(url, 'https://evil.example');
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    await answer.arrayBuffer();
  });

  it('by default allows no origin: the preflight meets the API key check and fails', async () => {
    const url = await start();
    const answer = await preflight(url, app);
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    expect(answer.status).toBe(401);
    await answer.arrayBuffer();
  });

  it.each([
    ['a wildcard', { allowedOrigins: ['*'] }],
    ['"null"', { allowedOrigins: ['null'] }],
    ['a path', { allowedOrigins: ['https://app.example.com/app'] }],
    ['not a URL', { allowedOrigins: ['app.example.com'] }],
    ['another scheme', { allowedOrigins: ['ftp://app.example.com'] }],
    ['no list', { allowedOrigins: 'https://app.example.com' as never }],
    ['a negative max age', { allowedOrigins: [app], maxAgeSeconds: -1 }],
  ])('refuses %s as a configuration, with InvalidArgumentError', (_name, cors) => {
    expect(() => createRenderServer({ platform, signer, apiKeys: { [apiKey]: 'tests' }, cors })).toThrow(InvalidArgumentError);
  });
});
