import { createReadStream, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.bin': 'application/octet-stream',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.mp4': 'video/mp4',
};

/** A file the test serves beside the built example (a broken template, say). */
export interface ExtraFile {
  readonly type: string;
  readonly body: string | Uint8Array;
}

/** A request the server answered, for the test's own log. */
interface ServedRequest {
  readonly method: string;
  readonly url: string;
  readonly status: number;
}

/** A running server; `close()` stops it. */
export interface StaticServer {
  readonly origin: string;
  readonly served: ServedRequest[];
  close(): Promise<void>;
}

/**
 * Serve the built example from `root` on 127.0.0.1 at a free port, with `headers` (the CSP) on
 * every response, the worker script and the wasm files included: a worker gets its policy from
 * its own response, not from the page.
 */
export async function startStaticServer(
  root: string,
  headers: Readonly<Record<string, string>>,
  extra: Readonly<Record<string, ExtraFile>> = {},
): Promise<StaticServer> {
  const served: ServedRequest[] = [];
  const handle = (request: IncomingMessage, response: ServerResponse): void => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const relative = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname);
    const file = path.resolve(root, `.${relative}`);
    let status = 200;
    for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
    response.setHeader('Cache-Control', 'no-store');
    const added = Object.hasOwn(extra, url.pathname) ? extra[url.pathname] : undefined;
    if (added && request.method === 'GET') {
      served.push({ method: request.method, url: url.pathname, status: 200 });
      response.setHeader('Content-Type', added.type);
      response.end(added.body);
      return;
    }
    if (!file.startsWith(root + path.sep) || request.method !== 'GET') {
      status = 404;
    } else {
      try {
        if (!statSync(file).isFile()) status = 404;
      } catch {
        status = 404;
      }
    }
    served.push({ method: request.method ?? '', url: url.pathname, status });
    if (status !== 200) {
      response.statusCode = status;
      response.end('not found');
      return;
    }
    response.setHeader('Content-Type', contentTypes[path.extname(file)] ?? 'application/octet-stream');
    createReadStream(file).pipe(response);
  };
  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    served,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
