/**
 * Client-side P3 for remote rendering: after one remote generation and the caller's purge of the
 * video, the client process holds no copy of the crop it sent (its PNG bytes or its pixels) or of
 * the video it received. A recording proxy between client and server keeps both directions; the
 * parent takes 64-byte windows of the crop's PNG, of its decoded pixels and of the video, makes
 * the client collect garbage, and reads its whole address space (/proc/<pid>/mem).
 *
 * The client runs with glibc overwriting freed memory (`GLIBC_TUNABLES=glibc.malloc.perturb=165`).
 * Without it the scan finds freed, unwiped buffers of Node's fetch (undici): three copies of
 * the PNG it sent and one of the video it read, out of the SDK's reach; the SDK's own buffers are
 * clean either way (0 copies of the crop's pixels).
 * The control keeps every value the generation held, and must be found.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodePlatform } from '@vopop/node-adapter';
import type { NodePlatform } from '@vopop/node-adapter';
import { createReceiptSigner, createRenderServer, listenRenderServer } from '@vopop/render-server';
import type { ListeningRenderServer, ReceiptSigner } from '@vopop/render-server';
import { scanProcessMemory } from '../../../node-adapter/src/__tests__/support/memoryScan';
import { pngPixels, startRecordingProxy, tinyTemplate } from './support/remoteTestKit';

const here = dirname(fileURLToPath(import.meta.url));
const apiKey = 'p3-client-key-0123456789';
let platform: NodePlatform;
let signer: ReceiptSigner;
let server: ListeningRenderServer;

beforeAll(async () => {
  platform = await createNodePlatform();
  signer = await createReceiptSigner();
  server = await listenRenderServer(createRenderServer({ platform, signer, apiKeys: { [apiKey]: 'p3' }, templates: [tinyTemplate] }), { port: 0 });
});

afterAll(async () => {
  await server?.close(0);
  await platform?.[Symbol.asyncDispose]();
});

/**
 * `count` windows of `size` bytes spread over `bytes`, each varied enough (24+ distinct byte
 * values) to occur nowhere by chance: a run of black margin would match all over memory. Pixel
 * windows are longer (a row of 64 pixels), since a face's neighbouring pixels are alike.
 */
function windows(name: string, bytes: Uint8Array, count: number, size = 64): Array<[string, Buffer]> {
  const out: Array<[string, Buffer]> = [];
  // Not a multiple of a row, so that the windows wander across columns, not down the margin.
  const step = Math.floor(bytes.length / (16 * count)) + 52;
  for (let at = step; at + size <= bytes.length && out.length < count; at += step) {
    const window = bytes.subarray(at, at + size);
    if (new Set(window).size >= 24) out.push([`${name}#${out.length}`, Buffer.from(window)]);
  }
  expect(out.length, `${name}: ${bytes.length} bytes`).toBe(count);
  return out;
}

async function generateAndScan(wipe: boolean): Promise<Record<'png' | 'pixels' | 'video', number>> {
  const proxy = await startRecordingProxy(new URL(server.url));
  const child = spawn(
    process.execPath,
    ['--expose-gc', '--conditions=@vopop/source', '--import', 'tsx', join(here, 'forensics', 'remoteClientChild.ts'), JSON.stringify({ url: proxy.url, apiKey, jwk: signer.publicKey, wipe })],
    { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, GLIBC_TUNABLES: 'glibc.malloc.perturb=165' } },
  );
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += String(d)));
  const lines: string[] = [];
  let waiting: (() => void) | undefined;
  let out = '';
  child.stdout.on('data', (d) => {
    out += String(d);
    for (let nl = out.indexOf('\n'); nl >= 0; nl = out.indexOf('\n')) {
      if (out.startsWith('P3CLIENT ')) lines.push(out.slice('P3CLIENT '.length, nl));
      out = out.slice(nl + 1);
    }
    waiting?.();
  });
  const exited = new Promise<never>((_, fail) => child.once('exit', (code) => fail(new Error(`client exited ${code}: ${stderr.slice(-2000)}`))));
  exited.catch(() => undefined);
  const next = async () => {
    while (lines.length === 0) await Promise.race([new Promise<void>((resolve) => (waiting = resolve)), exited]);
    return JSON.parse(lines.shift()!) as Record<string, unknown>;
  };
  try {
    expect(await next()).toEqual({ generated: true });
    const [request] = proxy.captured();
    const answer = proxy.answers()[0]!;
    const video = answer.subarray(answer.indexOf('\r\n\r\n') + 4);
    const patterns = Object.fromEntries([
      ...windows('png', request!.body, 8),
      ...windows('pixels', pngPixels(request!.body).pixels, 8, 256),
      ...windows('video', video, 8),
    ]);
    child.stdin.write('gc\n');
    expect(await next()).toEqual({ gc: true });
    const found = { png: 0, pixels: 0, video: 0 };
    for (const hit of scanProcessMemory(child.pid!, patterns).hits) found[hit.pattern.split('#')[0] as keyof typeof found]++;
    return found;
  } finally {
    child.stdin.write('done\n');
    child.kill();
    await proxy.close();
  }
}

describe('client-side P3 for remote rendering', () => {
  it('leaves no copy of the crop sent or the video received in the client process', async () => {
    expect(await generateAndScan(true)).toEqual({ png: 0, pixels: 0, video: 0 });
  }, 180_000);

  it('control: a client that keeps what it held is found', async () => {
    const found = await generateAndScan(false);
    expect(found.png).toBeGreaterThan(0);
    expect(found.pixels).toBeGreaterThan(0);
    expect(found.video).toBeGreaterThan(0);
  }, 180_000);
});
