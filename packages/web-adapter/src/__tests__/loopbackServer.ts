import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What a route answers: a body (200 unless `status`), a redirect to `location`, or headers and
 * then nothing until the server closes (`hang`, to abort a download half-way).
 */
export type Route =
  | { readonly body: string | Uint8Array; readonly status?: number; readonly type?: string }
  | { readonly redirect: string; readonly status?: number }
  | { readonly hang: true };

/** A real HTTP server on 127.0.0.1 at a free port, serving fixed routes; 404 for the rest. */
export interface LoopbackServer {
  readonly origin: string;
  /** Every path requested, in order (query included). */
  readonly requested: string[];
  /** Add or replace a route. */
  route(path: string, answer: Route): void;
  close(): Promise<void>;
}

/** Start a {@link LoopbackServer}. */
export async function startLoopbackServer(routes: Readonly<Record<string, Route>> = {}): Promise<LoopbackServer> {
  const table = new Map(Object.entries(routes));
  const requested: string[] = [];
  const handle = (request: IncomingMessage, response: ServerResponse): void => {
    const path = request.url ?? '/';
    requested.push(path);
    const answer = table.get(path);
    if (!answer) {
      response.statusCode = 404;
      response.end('not found');
      return;
    }
    if ('hang' in answer) {
      response.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      response.write(new Uint8Array(1024));
      return;
    }
    if ('redirect' in answer) {
      response.statusCode = answer.status ?? 302;
      response.setHeader('Location', answer.redirect);
      response.end();
      return;
    }
    response.statusCode = answer.status ?? 200;
    response.setHeader('Content-Type', answer.type ?? 'application/octet-stream');
    response.end(answer.body);
  };
  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requested,
    route: (path, answer) => table.set(path, answer),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
