import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { RenderServer } from './createRenderServer';
import { serverListenErrorFor } from './serverListenError';

/**
 * A render server listening on a socket.
 *
 * @public
 */
export interface ListeningRenderServer extends AsyncDisposable {
  /** The bound port (useful with port 0). */
  readonly port: number;
  /** `http://<host>:<port>`. */
  readonly url: string;
  /**
   * Graceful shutdown: stop accepting connections, refuse new renders, let running ones finish
   * for `graceMs` (default 10 s), abort and purge the rest, then close every connection.
   */
  close(graceMs?: number): Promise<void>;
}

/**
 * Listen on `hostname` (loopback by default: exposing the service is a deliberate choice, made
 * behind a TLS-terminating load balancer) and `port` (0 picks a free one).
 *
 * @throws {@link ServerListenError} when the port is taken or not permitted, or the host is not
 *   an address of this machine.
 * @public
 */
export async function listenRenderServer(
  server: RenderServer,
  options: { readonly port?: number; readonly hostname?: string; readonly headersTimeoutMs?: number } = {},
): Promise<ListeningRenderServer> {
  const hostname = options.hostname ?? '127.0.0.1';
  const requestedPort = options.port ?? 8787;
  const http = await new Promise<Server>((resolve, reject) => {
    const created = serve({ fetch: server.app.fetch, port: requestedPort, hostname }, () => resolve(created as Server));
    created.once('error', (error) => reject(serverListenErrorFor(error, hostname, requestedPort) ?? error));
  });
  // Slow clients cannot hold a slot forever: headers and the whole request have deadlines.
  http.headersTimeout = options.headersTimeoutMs ?? 10_000;
  http.requestTimeout = 120_000;
  const port = (http.address() as AddressInfo).port;
  const host = hostname.includes(':') ? `[${hostname}]` : hostname;
  let closing: Promise<void> | undefined;
  const close = (graceMs = 10_000) =>
    (closing ??= (async () => {
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeIdleConnections();
      await server.drain(graceMs);
      http.closeAllConnections();
      await closed;
    })());
  return {
    port,
    url: `http://${host}:${port}`,
    close,
    [Symbol.asyncDispose]: () => close(0),
  };
}
