import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PurgeReceipt } from '@vopop/core';
import { generateVideo, RemoteRenderer, verifyDeletionReceipt } from '@vopop/core';
import { createNodePlatform } from '@vopop/node-adapter';
import type { NodePlatform } from '@vopop/node-adapter';
import { createReceiptSigner, createRenderServer, listenRenderServer } from '@vopop/render-server';
import type { ListeningRenderServer, ReceiptSigner } from '@vopop/render-server';
import {
  assertNothingLeft,
  containsPattern,
  fixturePhoto,
  photoWithPlantedPattern,
  pngChunkTypes,
  pngPixels,
  remoteConsent,
  startRecordingProxy,
  tinyTemplate,
} from './support/remoteTestKit';

const apiKey = 'test-key-0123456789abcdef';
let platform: NodePlatform;
let signer: ReceiptSigner;
let server: ListeningRenderServer;

beforeAll(async () => {
  platform = await createNodePlatform();
  signer = await createReceiptSigner();
  server = await listenRenderServer(
    createRenderServer({ platform, signer, apiKeys: { [apiKey]: 'tests' }, templates: [tinyTemplate] }),
    { port: 0 },
  );
});

afterAll(async () => {
  await server?.close(0);
  await platform?.[Symbol.asyncDispose]();
});

function remoteRenderer(endpoint: string): RemoteRenderer {
  return new RemoteRenderer({ endpoint, apiKey, receiptKeys: [signer.publicKey] });
}

describe('remote rendering against the reference server on loopback (P5)', () => {
  it('sends only the aligned crop: the pattern planted outside the face never reaches the server', async () => {
    const proxy = await startRecordingProxy(new URL(server.url));
    try {
      const { photo, rows } = await photoWithPlantedPattern();
      // The check can fail: the planted rows are in the photo file's pixels.
      expect(containsPattern(pngPixels(photo).pixels, rows)).toBe(true);
      const renderer = remoteRenderer(proxy.url);
      let purge: PurgeReceipt | undefined;
      const result = await generateVideo(
        { photo, consent: remoteConsent(proxy.url), template: tinyTemplate, onPurged: (r) => (purge = r) },
        { ...platform, renderer },
      );
      const [request, ...others] = proxy.captured();
      expect(others).toEqual([]);
      expect(request!.head.split('\r\n')[0]).toBe('POST /v1/renders?template=remote-tiny&codec=auto HTTP/1.1');
      // No cookies, no identifiers: only the headers a fetch adds and the contract's own.
      const allowed = new Set(['host', 'connection', 'content-length', 'content-type', 'authorization', 'idempotency-key', 'accept', 'accept-language', 'accept-encoding', 'sec-fetch-mode', 'user-agent', 'cache-control', 'pragma']);
      expect([...request!.headers.keys()].filter((name) => !allowed.has(name))).toEqual([]);
      expect(request!.headers.get('content-type')).toBe('image/png');
      // The body is a bare PNG of the 512×512 crop: no metadata chunk, none of the photo's pixels.
      expect(pngChunkTypes(request!.body)).toEqual(['IHDR', 'IDAT', 'IEND']);
      const crop = pngPixels(request!.body);
      expect([crop.width, crop.height]).toEqual([512, 512]);
      expect(containsPattern(request!.body, rows)).toBe(false);
      expect(containsPattern(crop.pixels, rows)).toBe(false);

      // The verified receipt is in the result, for the crop that was sent.
      const receipt = result.deletionReceipt!;
      expect(receipt.payload.input.sha256).toBe(createHashHex(request!.body));
      expect(receipt.payload.held.map((h) => h.kind)).toEqual(expect.arrayContaining(['input', 'decoded-pixels', 'mesh', 'frames', 'output']));
      expect(receipt.payload.held.filter((h) => h.phase === 'before-response').every((h) => h.wipedAt !== null && h.verified !== false)).toBe(true);
      expect(await verifyDeletionReceipt(receipt.jws, [signer.publicKey])).toMatchObject({ ok: true });
      // Everything on the device was wiped; only the video left.
      expect(purge?.records.find((r) => r.label === 'remote.crop.png')).toMatchObject({ outcome: 'wiped', verified: true });
      assertNothingLeft(purge, photo);
      {
        using video = result.video;
        expect(video.value.length).toBe(receipt.payload.output!.bytes);
        expect(playableFrames(video.value)).toBe(tinyTemplate.frameCount);
      }
    } finally {
      await proxy.close();
    }
  });

  it('the capture check catches a client that sends the photo itself (mutant)', async () => {
    const proxy = await startRecordingProxy(new URL(server.url));
    try {
      const { photo, rows } = await photoWithPlantedPattern();
      const leaked = new Uint8Array(photo);
      await fetch(`${proxy.url}/v1/renders?template=remote-tiny`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'idempotency-key': 'mutant-0123456789abcdef', 'content-type': 'image/png' },
        body: leaked,
      }).then((r) => r.arrayBuffer());
      const [request] = proxy.captured();
      expect(containsPattern(pngPixels(request!.body).pixels, rows)).toBe(true);
    } finally {
      await proxy.close();
    }
  });

  it('sends no EXIF: a JPEG with EXIF becomes a bare PNG crop', async () => {
    const proxy = await startRecordingProxy(new URL(server.url));
    try {
      const photo = fixturePhoto('portrait.jpg');
      expect(photo.includes('Exif')).toBe(true);
      const result = await generateVideo(
        { photo, consent: remoteConsent(proxy.url), template: tinyTemplate },
        { ...platform, renderer: remoteRenderer(proxy.url) },
      );
      result.video.purge();
      const [request] = proxy.captured();
      expect(Buffer.from(request!.body).includes('Exif')).toBe(false);
      expect(pngChunkTypes(request!.body)).toEqual(['IHDR', 'IDAT', 'IEND']);
    } finally {
      await proxy.close();
    }
  });

  it('refuses to start without consent naming the service origin', async () => {
    const photo = fixturePhoto('portrait_small.jpg');
    await expect(
      generateVideo(
        { photo, consent: remoteConsent('https://other.example.com'), template: tinyTemplate },
        { ...platform, renderer: remoteRenderer(server.url) },
      ),
    ).rejects.toMatchObject({ code: 'CONSENT_REQUIRED' });
    await expect(
      generateVideo(
        { photo, consent: { purpose: 'face-video', processing: 'on-device', noticeVersion: 'v', grantedAt: '2026-12-03T08:00:00Z' }, template: tinyTemplate },
        { ...platform, renderer: remoteRenderer(server.url) },
      ),
    ).rejects.toMatchObject({ code: 'CONSENT_REQUIRED' });
  });
});

function createHashHex(bytes: Uint8Array): string {
  return execFileSync('sha256sum', { input: bytes }).toString().split(' ')[0]!;
}

/** Decode the video with ffprobe and count its frames. */
function playableFrames(video: Uint8Array): number {
  const dir = mkdtempSync(join(tmpdir(), 'vopop-remote-'));
  try {
    const file = join(dir, 'out.mp4');
    writeFileSync(file, video);
    const out = execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', file]);
    return Number(out.toString().trim());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
