import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer as createTcpServer, connect } from 'node:net';
import type { AddressInfo, Server as TcpServer } from 'node:net';
import { join } from 'node:path';
import sharp from 'sharp';
import type { ConsentRecord, PurgeReceipt, ReceiptPublicKey, Template, VopopPlatform } from '@vopop/core';
import { builtInTemplates, decodePng, EphemeralScope, generateVideo, parseTemplate, RemoteRenderer } from '@vopop/core';
import { facesDir } from '../../../../../fixtures/faces/facesDir';

/** A real template, shrunk so that a render takes a fraction of a second. */
export const tinyTemplate: Template = parseTemplate({
  ...builtInTemplates[0]!,
  id: 'remote-tiny',
  width: 128,
  height: 160,
  fps: 10,
  frameCount: 6,
  faceTrack: {
    kind: 'keyframes',
    interpolation: 'linear',
    keyframes: [
      { frame: 0, x: 64, y: 80, scale: 70, angle: -5 },
      { frame: 5, x: 64, y: 78, scale: 90, angle: 5 },
    ],
  },
});

/** Consent to remote rendering by the service at `origin`. */
export function remoteConsent(origin: string): ConsentRecord {
  return {
    purpose: 'face-video',
    processing: 'remote-service',
    noticeVersion: 'test-remote',
    grantedAt: '2026-12-03T08:00:00Z',
    remoteOrigins: [origin],
  };
}

/** The file bytes of a fixture photo (a fresh Buffer each time: the SDK wipes what it is given). */
export function fixturePhoto(name: string): Buffer {
  return readFileSync(join(facesDir, name));
}

/**
 * A PNG photo with a random pattern planted in its bottom-left corner, far from the face, and
 * the pattern's rows (to search for).
 */
export async function photoWithPlantedPattern(): Promise<{ photo: Buffer; rows: Uint8Array[] }> {
  const { data, info } = await sharp(fixturePhoto('portrait_small.jpg')).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const side = 24;
  const rows: Uint8Array[] = [];
  for (let y = info.height - side; y < info.height; y++) {
    const row = crypto.getRandomValues(new Uint8Array(side * 4));
    for (let i = 3; i < row.length; i += 4) row[i] = 255;
    data.set(row, y * info.width * 4);
    rows.push(row);
  }
  const photo = await sharp(data, { raw: { width: info.width, height: info.height, channels: 4 } }).png().toBuffer();
  return { photo, rows };
}

/** Whether any 16-byte run of any planted row appears in `haystack`. */
export function containsPattern(haystack: Uint8Array, rows: readonly Uint8Array[]): boolean {
  const text = Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength);
  return rows.some((row) => {
    for (let at = 0; at + 16 <= row.length; at += 16) {
      if (text.indexOf(Buffer.from(row.subarray(at, at + 16))) >= 0) return true;
    }
    return false;
  });
}

/** The chunk types of a PNG, in order. */
export function pngChunkTypes(png: Uint8Array): string[] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const types: string[] = [];
  for (let at = 8; at + 8 <= png.length; ) {
    const length = view.getUint32(at);
    types.push(String.fromCharCode(...png.subarray(at + 4, at + 8)));
    at += 12 + length;
  }
  return types;
}

/** Decode a PNG crop to its RGBA pixels (a copy the test owns). */
export function pngPixels(png: Uint8Array): { width: number; height: number; pixels: Uint8Array } {
  const scope = new EphemeralScope();
  const image = decodePng(new Uint8Array(png), scope);
  const result = { width: image.width, height: image.height, pixels: image.pixels.value.slice() };
  scope.purge();
  return result;
}

/** One HTTP request as it crossed the wire. */
export interface CapturedRequest {
  readonly head: string;
  readonly headers: ReadonlyMap<string, string>;
  readonly body: Uint8Array;
}

/**
 * A TCP proxy on loopback that forwards to `target` and records every byte the client sends,
 * so a test sees exactly what reached the service: request line, headers and body.
 */
export async function startRecordingProxy(
  target: URL,
): Promise<{ url: string; captured: () => CapturedRequest[]; answers: () => Buffer[]; close: () => Promise<void> }> {
  const streams: Buffer[][] = [];
  const answers: Buffer[][] = [];
  const server: TcpServer = createTcpServer((client) => {
    const chunks: Buffer[] = [];
    const answer: Buffer[] = [];
    streams.push(chunks);
    answers.push(answer);
    const upstream = connect(Number(target.port), target.hostname);
    client.on('data', (chunk: Buffer) => chunks.push(Buffer.from(chunk)));
    upstream.on('data', (chunk: Buffer) => answer.push(Buffer.from(chunk)));
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    captured: () => streams.flatMap((chunks) => splitRequests(Buffer.concat(chunks))),
    /** Everything the service sent back, per connection. */
    answers: () => answers.map((chunks) => Buffer.concat(chunks)),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
      }),
  };
}

function splitRequests(stream: Buffer): CapturedRequest[] {
  const requests: CapturedRequest[] = [];
  let at = 0;
  while (at < stream.length) {
    const end = stream.indexOf('\r\n\r\n', at);
    if (end < 0) break;
    const head = stream.subarray(at, end).toString('latin1');
    const headers = new Map<string, string>();
    for (const line of head.split('\r\n').slice(1)) {
      const colon = line.indexOf(':');
      headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    const length = Number(headers.get('content-length') ?? 0);
    requests.push({ head, headers, body: new Uint8Array(stream.subarray(end + 4, end + 4 + length)) });
    at = end + 4 + length;
  }
  return requests;
}

/**
 * Nothing left behind: every handle the generation held was wiped and re-read as zeros (or
 * moved), none failed, and the photo buffer the app handed over is all zeros.
 */
export function assertNothingLeft(receipt: PurgeReceipt | undefined, photo: Uint8Array): void {
  if (!receipt) throw new Error('no purge receipt');
  if (receipt.totals.failed !== 0) throw new Error(`${receipt.totals.failed} handles failed to wipe`);
  for (const record of receipt.records) {
    if (record.outcome === 'wiped' && record.verified === false) throw new Error(`${record.label} was not zero after its wipe`);
  }
  if (!photo.every((byte) => byte === 0)) throw new Error('the photo buffer still holds data');
}

/**
 * The crop a real client sends for `portrait_small.jpg`, captured through an injected fetch (a
 * copy: the client wipes its own after sending).
 */
export async function captureCrop(platform: VopopPlatform, apiKey: string, receiptKey: ReceiptPublicKey): Promise<Uint8Array> {
  let body: Uint8Array | undefined;
  const renderer = new RemoteRenderer({
    endpoint: 'http://127.0.0.1:9',
    apiKey,
    receiptKeys: [receiptKey],
    retry: { maxAttempts: 1 },
    fetch: async (_url, init) => {
      body = new Uint8Array(init!.body as Uint8Array).slice();
      return new Response('{}', { status: 503, headers: { 'content-type': 'application/problem+json' } });
    },
  });
  await generateVideo(
    { photo: fixturePhoto('portrait_small.jpg'), consent: remoteConsent('http://127.0.0.1:9'), template: tinyTemplate },
    { ...platform, renderer },
  ).catch(() => undefined);
  return body!;
}
