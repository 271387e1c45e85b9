import { Buffer } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import type { TfliteModel, TfliteModelLoader } from '@vopop/core';

const origin = 'http://tflite.test';

function packageDir(from: string, name: string): string {
  return dirname(createRequire(from).resolve(`${name}/package.json`));
}

/**
 * A real TFLite interpreter for tests on Linux: `@tensorflow/tfjs-tflite` (TFLite compiled to
 * WebAssembly) in headless Chromium, driven from Node. Its loader has the shape of
 * `react-native-fast-tflite`'s `createModel`: model bytes in, `run(ArrayBuffer[])` out, so the
 * SDK's TFLite detector runs on it unchanged.
 */
export interface ChromiumTflite {
  readonly loader: TfliteModelLoader;
  close(): Promise<void>;
}

export async function startChromiumTflite(): Promise<ChromiumTflite> {
  const here = import.meta.dirname;
  const tflite = packageDir(join(here, '../../../package.json'), '@tensorflow/tfjs-tflite');
  const nodeAdapter = join(here, '../../../../node-adapter/package.json');
  const files = new Map<string, string>([
    ['/tf-core.js', join(packageDir(nodeAdapter, '@tensorflow/tfjs-core'), 'dist/tf-core.min.js')],
    ['/tf-backend-cpu.js', join(packageDir(nodeAdapter, '@tensorflow/tfjs-backend-cpu'), 'dist/tf-backend-cpu.min.js')],
    ['/tf-tflite.js', join(tflite, 'dist/tf-tflite.min.js')],
  ]);
  const browser: Browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  const page: Page = await browser.newPage();
  await page.route(`${origin}/**`, async (route) => {
    const path = new URL(route.request().url()).pathname;
    const file = files.get(path) ?? (path.startsWith('/wasm/') ? join(tflite, path) : undefined);
    if (!file) return route.fulfill({ status: 404, body: '' });
    const type = file.endsWith('.wasm') ? 'application/wasm' : file.endsWith('.js') ? 'text/javascript' : 'text/html';
    return route.fulfill({ status: 200, body: readFileSync(file), headers: { 'content-type': type } });
  });
  await page.route(`${origin}/`, (route) =>
    route.fulfill({
      status: 200,
      headers: { 'content-type': 'text/html' },
      body: '<!doctype html><script src="/tf-core.js"></script><script src="/tf-backend-cpu.js"></script><script src="/tf-tflite.js"></script>',
    }),
  );
  await page.goto(`${origin}/`);
  await page.evaluate(async (wasmPath) => {
    const w = window as unknown as { tflite: { setWasmPath(p: string): void }; tf: { setBackend(b: string): Promise<boolean>; ready(): Promise<void> } };
    w.tflite.setWasmPath(wasmPath);
    await w.tf.setBackend('cpu');
    await w.tf.ready();
  }, `${origin}/wasm/`);

  let nextId = 0;
  const loader: TfliteModelLoader = async (bytes) => {
    const id = nextId++;
    await page.evaluate(
      async ({ id, data }) => {
        const w = window as unknown as { tflite: { loadTFLiteModel(b: ArrayBuffer): Promise<unknown> }; models?: Record<number, unknown> };
        w.models ??= {};
        w.models[id] = await w.tflite.loadTFLiteModel(Uint8Array.from(atob(data), (c) => c.charCodeAt(0)).buffer);
      },
      { id, data: Buffer.from(bytes).toString('base64') },
    );
    const model: TfliteModel = {
      run: async (inputs) => {
        const outputs = await page.evaluate(
          ({ id, input }) => {
            type T = { dataSync(): Float32Array; dispose(): void };
            const w = window as unknown as {
              tf: { tensor(v: number[], s: number[], d: string): T };
              models: Record<number, { inputs: { shape: number[] }[]; outputs: { name: string }[]; predict(t: T): T | T[] | Record<string, T> }>;
            };
            const m = w.models[id]!;
            const values = new Float32Array(Uint8Array.from(atob(input), (c) => c.charCodeAt(0)).buffer);
            const x = w.tf.tensor(values as unknown as number[], m.inputs[0]!.shape, 'float32');
            const result = m.predict(x);
            x.dispose();
            const list = Array.isArray(result) ? result : 'dataSync' in (result as object) ? [result as T] : m.outputs.map((o) => (result as Record<string, T>)[o.name]!);
            const encoded = list.map((t) => {
              const data = new Uint8Array(t.dataSync().slice().buffer);
              let binary = '';
              for (let i = 0; i < data.length; i += 8192) binary += String.fromCharCode(...data.subarray(i, i + 8192));
              return btoa(binary);
            });
            list.forEach((t) => t.dispose());
            return encoded;
          },
          { id, input: Buffer.from(inputs[0]!).toString('base64') },
        );
        return outputs.map((text) => {
          const bytes = Buffer.from(text, 'base64');
          return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
        });
      },
      dispose: () => {},
    };
    return model;
  };
  return { loader, close: () => browser.close() };
}
