import type {
  EncodedVideo,
  EphemeralScope,
  FaceDetector,
  FaceLandmarks,
  GenerationProgress,
  ImageDecoder,
  PurgeReceipt,
  RenderJob,
  Renderer,
} from '@vopop/core';
import {
  AbortedError,
  ConsentRequiredError,
  ImageDecodeError,
  InvalidArgumentError,
  NoFaceError,
  TemplateInvalidError,
  canonicalDenseFace,
  defaultWiperRegistry,
  faceLandmarksWiper,
  isVopopError,
} from '@vopop/core';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createVopopClient } from '../client/createVopopClient';
import type { VopopClient } from '../client/createVopopClient';
import { exposeWorkerApi } from '../worker/exposeVopopWorker';
import type { PlatformFactory } from '../worker/exposeVopopWorker';
import type { VopopWorkerApi } from '../worker/workerProtocol';
import type { LoopbackServer } from './loopbackServer';
import { startLoopbackServer } from './loopbackServer';

// The page ↔ worker protocol, driven over a real MessageChannel (structured clone and transfer
// as in a browser) with fake ports in the worker: what crosses, what is detached, what comes
// back, and what is released.

const consent = {
  purpose: 'face-video',
  processing: 'on-device',
  noticeVersion: 'test-1',
  grantedAt: '2026-11-29T12:00:00Z',
} as const;

/** Lenient enough for the synthetic face below, which is a flat canonical mesh. */
const facePolicy = { minInterOcularPx: 1, maxYawDeg: 90, maxPitchDeg: 90 };

function syntheticFace(): FaceLandmarks {
  const count = canonicalDenseFace.length / 2;
  const points = new Float32Array(count * 3);
  for (let i = 0; i < count; i++) {
    points[i * 3] = 20 + canonicalDenseFace[i * 2]! * 200;
    points[i * 3 + 1] = 20 + canonicalDenseFace[i * 2 + 1]! * 200;
  }
  return {
    imageWidth: 240,
    imageHeight: 240,
    pointCount: count,
    points,
    box: Float32Array.of(20, 20, 220, 220),
    score: Float32Array.of(0.99),
  };
}

interface FakeWorld {
  /** The photo bytes as the worker's decoder saw them (a live view). */
  photoSeen?: Uint8Array;
  /** The video bytes the renderer produced (a live view, wiped by the worker later). */
  videoMade?: Uint8Array;
  faces: 'one' | 'none';
  /** When set, the renderer waits for the abort instead of finishing. */
  hangInRender: boolean;
  renderStarted?: () => void;
  /** The template each render got. */
  rendered: string[];
  /** A recorded background's bytes, as the renderer read them through the template's assets. */
  backgroundBytes?: Uint8Array;
}

function fakePlatform(world: FakeWorld): PlatformFactory {
  const decoder: ImageDecoder = {
    async decode(bytes: Uint8Array, scope: EphemeralScope) {
      world.photoSeen = bytes;
      if (bytes[0] !== 0xff) throw new ImageDecodeError('unrecognized');
      return { width: 240, height: 240, pixels: scope.hold(new Uint8Array(240 * 240 * 4).fill(9), { kind: 'pixels', label: 'photo.pixels' }) };
    },
  };
  const detector = {
    landmarks: 468,
    maxFaces: 4,
    mode: 'image',
    backend: 'fake',
    async detect(_image: unknown, scope: EphemeralScope) {
      if (world.faces === 'none') return [];
      return [scope.hold(syntheticFace(), { kind: 'landmarks', label: 'face.0', wiper: faceLandmarksWiper })];
    },
    reset() {},
    dispose() {},
    [Symbol.dispose]() {},
  } as unknown as FaceDetector;
  // With the template's assets (they come with the loaded template), the renderer reads a video
  // background the way LocalRenderer's background source would begin to (decoding needs
  // WebCodecs, which the browser suite covers).
  const renderer = (): Renderer => ({
    async render(job: RenderJob, scope: EphemeralScope): Promise<EncodedVideo> {
      world.rendered.push(job.template.id);
      const background = job.template.background;
      if (background.kind === 'video') {
        if (!job.assets) throw new TemplateInvalidError([{ path: 'background.kind', message: 'no assets' }]);
        world.backgroundBytes = await job.assets.read(background.path, 'background.path', job.signal);
      }
      job.onProgress?.(0.5);
      world.renderStarted?.();
      if (world.hangInRender) {
        await new Promise((_resolve, reject) => {
          job.signal?.addEventListener('abort', () => reject(new AbortedError(job.signal?.reason)), { once: true });
        });
      }
      job.onProgress?.(1);
      const bytes = new Uint8Array(4096).fill(5);
      world.videoMade = bytes;
      return {
        bytes: scope.hold(bytes, { kind: 'video', label: 'video.encoded' }),
        container: 'mp4',
        codec: 'avc',
        mimeType: 'video/mp4; codecs="avc1.640028"',
        width: 64,
        height: 64,
        fps: 30,
        frameCount: 90,
        durationSec: 3,
      };
    },
  });
  const wipers = defaultWiperRegistry;
  return async () => ({
    decoder,
    detector,
    renderer: renderer(),
    wipers,
    backend: 'wasm',
    [Symbol.dispose]() {},
  });
}

interface Harness {
  readonly client: VopopClient;
  readonly api: VopopWorkerApi;
  readonly world: FakeWorld;
  readonly terminate: ReturnType<typeof vi.fn>;
}

const open: Harness[] = [];

function harness(world: Partial<FakeWorld> = {}): Harness {
  const state: FakeWorld = { faces: 'one', hangInRender: false, rendered: [], ...world };
  const channel = new MessageChannel();
  const api = exposeWorkerApi(channel.port2 as never, fakePlatform(state));
  const terminate = vi.fn(() => {
    channel.port1.close();
    channel.port2.close();
  });
  const worker = Object.assign(channel.port1, { terminate }) as unknown as Worker;
  // Relative to the page, so that the tests below may move the page to a loopback server.
  const client = createVopopClient({ worker, modelsUrl: '/models/', wasmUrl: '/tfjs/' });
  const made = { client, api, world: state, terminate };
  open.push(made);
  return made;
}

function photo(): ArrayBuffer {
  const bytes = new Uint8Array(1000);
  bytes[0] = 0xff;
  bytes.fill(0xab, 1);
  return bytes.buffer;
}

vi.stubGlobal('location', new URL('http://127.0.0.1/app/'));

afterEach(() => {
  for (const { client } of open.splice(0)) client.terminate();
});

describe('web adapter client ↔ worker', () => {
  it('transfers the photo in and the video out, reports progress and the receipt', async () => {
    const { client, world } = harness();
    const input = photo();
    const progress: GenerationProgress[] = [];
    let purged: PurgeReceipt | undefined;
    const result = await client.generate({
      photo: input,
      consent,
      facePolicy,
      onProgress: (p) => progress.push(p),
      onPurged: (r) => {
        purged = r;
      },
    });
    // Transferred, not copied: the page's buffer is detached.
    expect(input.byteLength).toBe(0);
    // The worker wiped the photo it received.
    expect(world.photoSeen!.every((byte) => byte === 0)).toBe(true);
    // The video arrived whole; the worker's buffer was transferred away (detached there).
    expect(result.video.value.byteLength).toBe(4096);
    expect(result.video.value.every((byte) => byte === 5)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(world.videoMade!.byteLength).toBe(0);
    expect(result).toMatchObject({ container: 'mp4', codec: 'avc', width: 64, height: 64, durationSec: 3 });
    // Progress crossed through the proxied callback.
    expect(progress.some((p) => p.stage === 'render' && p.fraction === 0.5)).toBe(true);
    expect(progress.at(-1)).toEqual({ stage: 'purge', fraction: 1 });
    // The receipt is plain data, and the same on both channels.
    expect(purged).toEqual(result.receipt);
    expect(JSON.parse(JSON.stringify(result.receipt))).toEqual(result.receipt);
    const kinds = result.receipt.records.map((record) => `${record.kind}:${record.outcome}`);
    expect(kinds).toEqual(expect.arrayContaining(['photo-bytes:wiped', 'pixels:wiped', 'landmarks:wiped', 'video:moved']));
    expect(result.receipt.totals.failed).toBe(0);
    result.video.purge();
  });

  it('revives typed errors on the page, with the receipt of what was wiped', async () => {
    const { client } = harness({ faces: 'none' });
    let purged: PurgeReceipt | undefined;
    const error = await client
      .generate({ photo: photo(), consent, onPurged: (r) => (purged = r) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoFaceError);
    expect(isVopopError(error)).toBe(true);
    expect((error as NoFaceError).code).toBe('NO_FACE');
    expect((error as Error).stack).not.toMatch(/exposeVopopWorker|node_modules/);
    expect(purged?.records.map((r) => r.kind)).toContain('photo-bytes');
    expect(purged?.totals.failed).toBe(0);

    const decodeError = await client.generate({ photo: new ArrayBuffer(8), consent }).catch((e: unknown) => e);
    expect(decodeError).toBeInstanceOf(ImageDecodeError);
    expect((decodeError as ImageDecodeError).reason).toBe('unrecognized');
  });

  it('refuses without consent before the photo leaves the page', async () => {
    const { client, world } = harness();
    const input = photo();
    await expect(client.generate({ photo: input, consent: undefined as never })).rejects.toBeInstanceOf(ConsentRequiredError);
    expect(input.byteLength).toBe(1000);
    expect(world.photoSeen).toBeUndefined();
  });

  it('bridges an abort to the worker, which purges the job', async () => {
    let started!: () => void;
    const rendering = new Promise<void>((resolve) => (started = resolve));
    const { client, api, world } = harness({ hangInRender: true, renderStarted: () => started() });
    const controller = new AbortController();
    let purged: PurgeReceipt | undefined;
    const job = client.generate({ photo: photo(), consent, facePolicy, signal: controller.signal, onPurged: (r) => (purged = r) });
    await rendering;
    expect(api.activeJobs()).toBe(1);
    controller.abort();
    await expect(job).rejects.toBeInstanceOf(AbortedError);
    expect(api.activeJobs()).toBe(0);
    expect(world.photoSeen!.every((byte) => byte === 0)).toBe(true);
    expect(purged?.records.every((record) => record.outcome === 'wiped')).toBe(true);
  });

  it('terminates explicitly: proxy released, worker terminated, pending calls rejected', async () => {
    let started!: () => void;
    const rendering = new Promise<void>((resolve) => (started = resolve));
    const { client, terminate } = harness({ hangInRender: true, renderStarted: () => started() });
    const job = client.generate({ photo: photo(), consent, facePolicy });
    await rendering;
    await client[Symbol.asyncDispose]();
    expect(terminate).toHaveBeenCalledTimes(1);
    expect(client.terminated).toBe(true);
    await expect(job).rejects.toBeInstanceOf(AbortedError);
    await expect(client.generate({ photo: photo(), consent })).rejects.toThrow(/terminated/);
    client.terminate();
    expect(terminate).toHaveBeenCalledTimes(1);
  });

  it('refuses model and wasm folders on another origin (P9)', () => {
    const channel = new MessageChannel();
    const worker = Object.assign(channel.port1, { terminate: () => channel.port1.close() }) as unknown as Worker;
    expect(() => createVopopClient({ worker, modelsUrl: 'https://cdn.example/models/' })).toThrow(/own origin/);
    channel.port1.close();
  });
});

describe('templates loaded from a URL', () => {
  const exampleTemplate = path.resolve(import.meta.dirname, '..', '..', '..', '..', 'examples', 'web', 'public', 'templates', 'velvet-stripes');
  const manifest = readFileSync(path.join(exampleTemplate, 'manifest.json'));
  const video = readFileSync(path.join(exampleTemplate, 'background.mp4'));
  let app: LoopbackServer;
  let other: LoopbackServer;

  beforeAll(async () => {
    app = await startLoopbackServer({
      '/templates/velvet-stripes/manifest.json': { body: manifest, type: 'application/json' },
      '/templates/velvet-stripes/background.mp4': { body: video, type: 'video/mp4' },
      // The same manifest in a folder without its video.
      '/templates/no-video/manifest.json': { body: manifest, type: 'application/json' },
      '/templates/slow/manifest.json': { hang: true },
    });
    other = await startLoopbackServer({ '/templates/velvet-stripes/manifest.json': { body: manifest } });
    // The page (and, in this test, the worker: one process) lives on the loopback server.
    vi.stubGlobal('location', new URL(`${app.origin}/app/index.html`));
  });

  afterAll(async () => {
    vi.stubGlobal('location', new URL('http://127.0.0.1/app/'));
    await app.close();
    await other.close();
  });

  it('fetches the manifest from the page origin and renders its recorded background', async () => {
    const { client, world } = harness();
    app.requested.length = 0;
    const progress: GenerationProgress[] = [];
    const result = await client.generate({
      photo: photo(),
      consent,
      facePolicy,
      templateUrl: '../templates/velvet-stripes/manifest.json',
      onProgress: (p) => progress.push(p),
    });
    expect(result.templateId).toBe('velvet-stripes');
    // Progress crosses through its own proxy, so the last of it may land just after the result.
    await vi.waitFor(() => expect(progress.at(-1)).toEqual({ stage: 'purge', fraction: 1 }));
    expect(progress).toContainEqual({ stage: 'render', fraction: 0.5 });
    expect(result.receipt.records.map((record) => record.kind)).toContain('photo-bytes');
    expect(world.rendered).toEqual(['velvet-stripes']);
    // The renderer got the template's own files: the video beside the manifest, byte for byte.
    expect(world.backgroundBytes).toEqual(new Uint8Array(video));
    expect(app.requested).toEqual(['/templates/velvet-stripes/manifest.json', '/templates/velvet-stripes/background.mp4']);
    result.video.purge();
  });

  it('refuses template and templateUrl together, and another origin, before the photo moves', async () => {
    const { client, world } = harness();
    other.requested.length = 0;
    for (const request of [
      { template: 'confetti-pop', templateUrl: '/templates/velvet-stripes/manifest.json' },
      { templateUrl: `${other.origin}/templates/velvet-stripes/manifest.json` },
      { templateUrl: 'data:application/json,{}' },
    ]) {
      const input = photo();
      const error = await client.generate({ photo: input, consent, ...request }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(input.byteLength).toBe(1000);
    }
    expect(world.photoSeen).toBeUndefined();
    expect(other.requested).toEqual([]);
  });

  it('refuses another origin in the worker too, wiping the photo with a receipt', async () => {
    const { client, api } = harness();
    await client.ready();
    other.requested.length = 0;
    const bytes = photo();
    const view = new Uint8Array(bytes);
    const result = await api.generate(bytes, { jobId: 99, consent, templateUrl: `${other.origin}/templates/velvet-stripes/manifest.json` });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('INVALID_ARGUMENT');
    expect(view.every((byte) => byte === 0)).toBe(true);
    expect(result.receipt?.records.map((record) => `${record.kind}:${record.outcome}:${String(record.verified)}`)).toEqual([
      'photo-bytes:wiped:true',
    ]);
    expect(other.requested).toEqual([]);
  });

  it('checks consent in the worker before fetching a template', async () => {
    const { client, api } = harness();
    await client.ready();
    app.requested.length = 0;
    const result = await api.generate(photo(), { jobId: 98, consent: { purpose: 'face-video' }, templateUrl: `${app.origin}/templates/velvet-stripes/manifest.json` });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('CONSENT_REQUIRED');
    expect(app.requested).toEqual([]);
  });

  it('a missing manifest: TemplateInvalidError for the file, the photo wiped, a receipt', async () => {
    const { client, world } = harness();
    let purged: PurgeReceipt | undefined;
    const error = await client
      .generate({ photo: photo(), consent, templateUrl: '/templates/gone/manifest.json', onPurged: (r) => (purged = r) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TemplateInvalidError);
    expect((error as TemplateInvalidError).issues).toEqual([{ path: '(file)', message: 'the file answered HTTP 404' }]);
    expect(world.photoSeen).toBeUndefined();
    expect(purged?.records.map((record) => record.kind)).toEqual(['photo-bytes']);
    expect(purged?.totals.failed).toBe(0);
  });

  it('an abort while the manifest downloads: AbortedError, the photo wiped, a receipt', async () => {
    const { client, api } = harness();
    app.requested.length = 0;
    const controller = new AbortController();
    let purged: PurgeReceipt | undefined;
    const job = client.generate({
      photo: photo(),
      consent,
      templateUrl: '/templates/slow/manifest.json',
      signal: controller.signal,
      onPurged: (r) => (purged = r),
    });
    await vi.waitFor(() => expect(app.requested).toEqual(['/templates/slow/manifest.json']));
    controller.abort();
    await expect(job).rejects.toBeInstanceOf(AbortedError);
    expect(api.activeJobs()).toBe(0);
    expect(purged?.records.map((record) => `${record.kind}:${String(record.verified)}`)).toEqual(['photo-bytes:true']);
  });

  it('a missing background video: TemplateInvalidError naming background.path, everything purged', async () => {
    const { client, world } = harness();
    let purged: PurgeReceipt | undefined;
    const error = await client
      .generate({ photo: photo(), consent, facePolicy, templateUrl: '/templates/no-video/manifest.json', onPurged: (r) => (purged = r) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TemplateInvalidError);
    // The issues cross the worker boundary, so the page can point at the field.
    expect((error as TemplateInvalidError).issues).toEqual([{ path: 'background.path', message: 'the file answered HTTP 404' }]);
    expect((error as Error).message).toMatch(/^Template is invalid at background\.path: the file answered HTTP 404/);
    expect(world.photoSeen!.every((byte) => byte === 0)).toBe(true);
    const kinds = purged?.records.map((record) => record.kind);
    expect(kinds).toEqual(expect.arrayContaining(['photo-bytes', 'pixels', 'landmarks']));
    expect(kinds).not.toContain('video');
    expect(purged?.totals.failed).toBe(0);
  });
});
