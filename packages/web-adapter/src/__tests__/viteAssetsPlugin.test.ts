import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { InvalidArgumentError } from '@vopop/core';
import { modelManifest } from '@vopop/models';
import { describe, expect, it } from 'vitest';
import { createVopopCsp, vopopAssetFiles, vopopAssetPaths, vopopAssets, vopopCsp } from '../vite';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

type Middleware = (request: { url?: string }, response: FakeResponse, next: () => void) => void;
interface FakeResponse {
  headers: Record<string, string>;
  body?: Uint8Array;
  setHeader(name: string, value: string): void;
  end(body: Uint8Array): void;
}

function fakeResponse(): FakeResponse {
  return {
    headers: {},
    setHeader(name, value) {
      this.headers[name] = value;
    },
    end(body) {
      this.body = body;
    },
  };
}

/** Runs one of the plugin's server hooks against a stand-in for Vite's connect server. */
function middlewareOf(hook: unknown): Middleware[] {
  const installed: Middleware[] = [];
  (hook as (server: unknown) => void)({ middlewares: { use: (middleware: Middleware) => installed.push(middleware) } });
  return installed;
}

describe('@vopop/web-adapter/vite', () => {
  it('finds every pinned model (bytes match the pins) and both single-threaded tfjs wasm binaries', () => {
    const files = vopopAssetFiles();
    const models = files.filter((file) => file.url.startsWith(vopopAssetPaths.models));
    expect(models.map((file) => file.url.slice(vopopAssetPaths.models.length)).sort()).toEqual(
      modelManifest.map((file) => file.name).sort(),
    );
    for (const model of models) {
      const pinned = modelManifest.find((file) => model.url.endsWith(`/${file.name}`))!;
      expect(sha256(readFileSync(model.file))).toBe(pinned.sha256);
    }
    const wasm = files.filter((file) => file.url.startsWith(vopopAssetPaths.wasm));
    expect(wasm.map((file) => file.url)).toEqual(['/vopop/tfjs/tfjs-backend-wasm.wasm', '/vopop/tfjs/tfjs-backend-wasm-simd.wasm']);
    for (const file of wasm) expect(existsSync(file.file)).toBe(true);
  });

  it('emits each file into the build at its URL path, byte for byte', () => {
    const plugin = vopopAssets();
    const emitted: { fileName: string; source: Uint8Array }[] = [];
    (plugin.generateBundle as (this: unknown) => void).call({ emitFile: (file: (typeof emitted)[number]) => emitted.push(file) });
    const files = vopopAssetFiles();
    expect(emitted.map((file) => `/${file.fileName}`)).toEqual(files.map((file) => file.url));
    emitted.forEach((file, i) => expect(Buffer.compare(Buffer.from(file.source), readFileSync(files[i]!.file))).toBe(0));
  });

  it('serves the files in dev with their content types, and passes every other URL on', () => {
    const [serve] = middlewareOf(vopopAssets().configureServer);
    const wasm = fakeResponse();
    serve!({ url: '/vopop/tfjs/tfjs-backend-wasm.wasm?import' }, wasm, () => expect.unreachable());
    expect(wasm.headers['Content-Type']).toBe('application/wasm');
    expect(wasm.body?.byteLength).toBeGreaterThan(0);
    let passedOn = false;
    serve!({ url: '/vopop/models/not-pinned.bin' }, fakeResponse(), () => (passedOn = true));
    expect(passedOn).toBe(true);
  });

  it('sends the CSP from vite preview, unless told not to', () => {
    const [withCsp] = middlewareOf(vopopAssets().configurePreviewServer);
    const response = fakeResponse();
    withCsp!({ url: '/' }, response, () => {});
    expect(response.headers['Content-Security-Policy']).toBe(vopopCsp);
    expect(vopopCsp).toContain("default-src 'none'");
    expect(middlewareOf(vopopAssets({ previewCsp: false }).configurePreviewServer)).toEqual([]);
  });

  it('sends the remote endpoints\' origins in the preview CSP when the app names them', () => {
    const [withCsp] = middlewareOf(vopopAssets({ remoteEndpoints: ['https://render.example.com/v1'] }).configurePreviewServer);
    const response = fakeResponse();
    withCsp!({ url: '/' }, response, () => {});
    expect(response.headers['Content-Security-Policy']).toContain("connect-src 'self' https://render.example.com;");
  });
});

/** The sources of one directive of a policy. */
function directive(policy: string, name: string): string[] {
  const found = policy.split('; ').find((part) => part.startsWith(`${name} `));
  return found ? found.split(' ').slice(1) : [];
}

describe('createVopopCsp', () => {
  it('without remote endpoints: connect-src is the app\'s own origin only', () => {
    expect(directive(createVopopCsp(), 'connect-src')).toEqual(["'self'"]);
    expect(createVopopCsp()).toBe(vopopCsp);
  });

  it('adds each remote endpoint\'s origin to connect-src, and to nothing else', () => {
    const policy = createVopopCsp({
      remoteEndpoints: ['https://render.example.com/api/', new URL('http://127.0.0.1:8787'), 'https://render.example.com'],
    });
    expect(directive(policy, 'connect-src')).toEqual(["'self'", 'https://render.example.com', 'http://127.0.0.1:8787']);
    // Everything else is the on-device policy, unchanged.
    const others = (p: string) => p.split('; ').filter((part) => !part.startsWith('connect-src '));
    expect(others(policy)).toEqual(others(vopopCsp));
    expect(policy).not.toContain('*');
  });

  it.each([
    ['not a URL', 'render.example.com'],
    ['plain http off loopback', 'http://render.example.com'],
    ['another scheme', 'ftp://127.0.0.1/'],
  ])('refuses %s with InvalidArgumentError', (_name, endpoint) => {
    expect(() => createVopopCsp({ remoteEndpoints: [endpoint] })).toThrow(InvalidArgumentError);
  });
});
