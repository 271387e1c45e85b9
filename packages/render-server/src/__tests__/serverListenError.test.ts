/**
 * `listenRenderServer` on a socket it cannot open: a typed `ServerListenError` that says which
 * failure, instead of Node's bare `EADDRINUSE`, and the port's owner keeps it.
 */
import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isVopopError } from '@vopop/core';
import { createNodePlatform } from '@vopop/node-adapter';
import type { NodePlatform } from '@vopop/node-adapter';
import { createReceiptSigner, createRenderServer, listenRenderServer, ServerListenError } from '@vopop/render-server';
import type { RenderServer } from '@vopop/render-server';

let platform: NodePlatform;
let renderServer: RenderServer;
let occupant: Server;
let takenPort: number;

beforeAll(async () => {
  platform = await createNodePlatform();
  renderServer = createRenderServer({ platform, signer: await createReceiptSigner(), apiKeys: { 'listen-test-key-0123456789': 'tests' } });
  occupant = createServer();
  await new Promise<void>((resolve) => occupant.listen(0, '127.0.0.1', resolve));
  takenPort = (occupant.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => occupant.close(() => resolve()));
  await platform[Symbol.asyncDispose]();
});

describe('listenRenderServer on a socket it cannot open', () => {
  it('a taken port: ServerListenError port-in-use, naming the address, and the owner keeps the port', async () => {
    const error = await listenRenderServer(renderServer, { port: takenPort }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ServerListenError);
    expect(isVopopError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'SERVER_LISTEN', reason: 'port-in-use', host: '127.0.0.1', port: takenPort });
    expect((error as Error).message).toContain(`127.0.0.1:${takenPort} is already in use`);
    expect(occupant.listening).toBe(true);
  });

  it('a host that is not an address of this machine: address-unavailable', async () => {
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): never assigned to a real interface.
    const error = await listenRenderServer(renderServer, { port: 0, hostname: '192.0.2.1' }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'SERVER_LISTEN', reason: 'address-unavailable', host: '192.0.2.1' });
  });

  it('the same server listens once the port is free', async () => {
    const listening = await listenRenderServer(renderServer, { port: 0 });
    expect(listening.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await listening.close(0);
  });
});
