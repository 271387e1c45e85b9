/**
 * Server-side P3: after 20 renders, the render server's process holds no copy of any input crop,
 * its decoded pixels or any output video. The parent sends 20 crops, each with its own random
 * noise planted in the crop's margin (so the pixels and the PNG's compressed bytes are unique),
 * keeps 64-byte windows of each input file, noise row and returned video, then makes the server
 * collect garbage and reads its whole address space (/proc/<pid>/mem).
 *
 * The server runs as deployed (docs/remote.md): with glibc overwriting freed memory
 * (`GLIBC_TUNABLES=glibc.malloc.perturb=165`). Without it the scan finds freed buffers the server
 * cannot reach: the native H.264 encoder's packets (as the Node adapter's own P3 test documents)
 * and one runtime buffer with the last request's body.
 *
 * The control runs the same server whose wipers keep every value, unwiped and referenced — a
 * server that retains what it was sent — and must find all three kinds: the scan can fail.
 */
import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateVideo, RemoteRenderer } from '@vopop/core';
import { createNodePlatform } from '@vopop/node-adapter';
import { scanProcessMemory } from '../../../node-adapter/src/__tests__/support/memoryScan';
import { fixturePhoto, pngPixels, remoteConsent, tinyTemplate } from './support/remoteTestKit';

const here = dirname(fileURLToPath(import.meta.url));
const apiKey = 'p3-key-0123456789abcdef';
const jobs = 20;
let crop: { width: number; height: number; pixels: Uint8Array };

beforeAll(async () => {
  // The crop a real client sends for a fixture photo, captured through an injected fetch.
  await using platform = await createNodePlatform();
  let body: Uint8Array | undefined;
  const renderer = new RemoteRenderer({
    endpoint: 'http://127.0.0.1:9',
    apiKey,
    receiptKeys: [{ kty: 'OKP', crv: 'Ed25519', x: 'A'.repeat(43), kid: 'unused' }],
    retry: { maxAttempts: 1 },
    fetch: async (_url, init) => {
      body = new Uint8Array(init!.body as Uint8Array);
      return new Response('{}', { status: 503 });
    },
  });
  await generateVideo(
    { photo: fixturePhoto('portrait_small.jpg'), consent: remoteConsent('http://127.0.0.1:9'), template: tinyTemplate },
    { ...platform, renderer },
  ).catch(() => undefined);
  crop = pngPixels(body!);
});

interface Child {
  readonly pid: number;
  readonly port: number;
  next(): Promise<Record<string, unknown>>;
  send(line: string): void;
  kill(): void;
}

async function startServerChild(wipe: boolean, env: Record<string, string>): Promise<Child> {
  const child = spawn(
    process.execPath,
    ['--expose-gc', '--conditions=@vopop/source', '--import', 'tsx', join(here, 'forensics', 'serverChild.ts'), JSON.stringify({ wipe, apiKey })],
    { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } },
  );
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += String(d)));
  const lines: string[] = [];
  let waiting: (() => void) | undefined;
  let out = '';
  child.stdout.on('data', (d) => {
    out += String(d);
    for (let nl = out.indexOf('\n'); nl >= 0; nl = out.indexOf('\n')) {
      if (out.startsWith('P3SERVER ')) lines.push(out.slice('P3SERVER '.length, nl));
      out = out.slice(nl + 1);
    }
    waiting?.();
  });
  const exited = new Promise<never>((_, fail) => child.once('exit', (code) => fail(new Error(`server exited ${code}: ${stderr.slice(-2000)}`))));
  exited.catch(() => undefined);
  const next = async () => {
    while (lines.length === 0) await Promise.race([new Promise<void>((resolve) => (waiting = resolve)), exited]);
    return JSON.parse(lines.shift()!) as Record<string, unknown>;
  };
  const { port } = (await next()) as { port: number };
  return { pid: child.pid!, port, next, send: (line) => child.stdin.write(`${line}\n`), kill: () => child.kill() };
}

/** Send `jobs` crops with fresh noise; return the windows to look for. */
async function renderJobs(port: number): Promise<Map<string, Buffer>> {
  const patterns = new Map<string, Buffer>();
  for (let job = 0; job < jobs; job++) {
    const pixels = crop.pixels.slice();
    const noise = crypto.getRandomValues(new Uint8Array(16 * 4));
    for (let i = 3; i < noise.length; i += 4) noise[i] = 255;
    for (let row = 0; row < 16; row++) pixels.set(row === 8 ? noise : crypto.getRandomValues(new Uint8Array(64)).map((v, i) => (i % 4 === 3 ? 255 : v)), (row + 8) * crop.width * 4 + 8 * 4);
    const png = new Uint8Array(await sharp(pixels, { raw: { width: crop.width, height: crop.height, channels: 4 } }).png().toBuffer());
    const response = await fetch(`http://127.0.0.1:${port}/v1/renders?template=${tinyTemplate.id}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'idempotency-key': `p3-job-${job}-0123456789`, 'content-type': 'image/png' },
      body: png.slice() as Uint8Array<ArrayBuffer>,
    });
    expect(response.status).toBe(200);
    const video = new Uint8Array(await response.arrayBuffer());
    patterns.set(`input#${job}`, Buffer.from(png.subarray(png.length >> 1, (png.length >> 1) + 64)));
    patterns.set(`pixels#${job}`, Buffer.from(noise));
    patterns.set(`output#${job}`, Buffer.from(video.subarray(video.length >> 1, (video.length >> 1) + 64)));
  }
  return patterns;
}

async function scanAfterJobs(wipe: boolean, env: Record<string, string> = {}): Promise<Record<'input' | 'pixels' | 'output', number>> {
  const child = await startServerChild(wipe, env);
  try {
    const patterns = await renderJobs(child.port);
    child.send('gc');
    expect(await child.next()).toEqual({ gc: true });
    const { hits } = scanProcessMemory(child.pid, Object.fromEntries(patterns));
    // `P3_REGIONS=<file>` appends where every copy was found (for an investigation).
    const log = process.env['P3_REGIONS'];
    if (log) appendFileSync(log, `${JSON.stringify({ wipe, hits: hits.map((h) => ({ ...h, address: h.address.toString(16) })) })}\n`);
    const found = { input: 0, pixels: 0, output: 0 };
    for (const hit of hits) found[hit.pattern.split('#')[0] as keyof typeof found]++;
    return found;
  } finally {
    child.send('done');
    child.kill();
  }
}

describe('server-side P3: no residue after 20 renders', () => {
  it('finds no copy of any input, decoded pixels or output in the server process', async () => {
    expect(await scanAfterJobs(true, { GLIBC_TUNABLES: 'glibc.malloc.perturb=165' })).toEqual({ input: 0, pixels: 0, output: 0 });
  }, 300_000);

  it('control: with wipers that keep everything, the same scan finds them', async () => {
    const found = await scanAfterJobs(false, { GLIBC_TUNABLES: 'glibc.malloc.perturb=165' });
    expect(found.input).toBeGreaterThan(0);
    expect(found.pixels).toBeGreaterThan(0);
    expect(found.output).toBeGreaterThan(0);
  }, 300_000);
});

