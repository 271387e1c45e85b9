import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsentPolicy, ConsentRecord, VerifiedDeletionReceipt, VopopWorkerConfig } from '@vopop/core';
import { receiptHeader, sha256Hex, verifyDeletionReceipt } from '@vopop/core';
import { createNodePlatform } from '@vopop/node-adapter';
import type { NodePlatform } from '@vopop/node-adapter';
import { createVopopCsp, vopopCsp } from '@vopop/web-adapter/vite';
import { createReceiptSigner, createRenderServer, listenRenderServer } from '../../render-server/src/index';
import type { ListeningRenderServer, ReceiptSigner } from '../../render-server/src/index';
import type { FaultRequest } from '../../render-server/src/__tests__/support/faultServer';
import { receiptClaimsFor, startFaultServer } from '../../render-server/src/__tests__/support/faultServer';
import {
  containsPattern,
  fixturePhoto,
  photoWithPlantedPattern,
  pngChunkTypes,
  pngPixels,
  startRecordingProxy,
  tinyTemplate,
} from '../../render-server/src/__tests__/support/remoteTestKit';
import type { ExampleSession } from './browserHarness';
import { openPage } from './browserHarness';
import { exampleRoot } from './buildExample';
import type { StaticServer } from './staticServer';
import { startStaticServer } from './staticServer';
import type { ClientRun, WorkerAnswer } from './remoteModePage';

// Remote mode in Chromium: a page on one loopback origin runs the example's built worker against
// the real render server on another (through a proxy that records every byte), under the CSP that
// createVopopCsp gives for that endpoint and the server's CORS for that page. One page load;
// P8 is asked of the real browser worker too, bypassing the page's own check.

const apiKey = 'e2e-browser-key-0123456789';
const policy: ConsentPolicy = { acceptedNoticeVersions: ['e2e-1'], minimumAge: 18 };
const ofAge = { method: 'self-declared', minimumAge: 18 } as const;

let platform: NodePlatform;
let signer: ReceiptSigner;
let renderServer: ListeningRenderServer;
let proxy: Awaited<ReturnType<typeof startRecordingProxy>>;
let faultServer: Awaited<ReturnType<typeof startFaultServer>>;
let site: StaticServer;
/** The headers the site sends with every response (read per request). */
const headers: Record<string, string> = {};
let session: ExampleSession;
let workerUrl: string;
let planted: { photo: Buffer; rows: Uint8Array[] };
/** What the fault server does to the next answer's receipt. */
let fault: 'bad-signature' | 'other-input' = 'bad-signature';

/** The test page, bundled from remoteModePage.ts with the SDK's sources. */
async function bundlePage(): Promise<Uint8Array> {
  const result = await build({
    entryPoints: [path.join(import.meta.dirname, 'remoteModePage.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['@vopop/source'],
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.contents;
}

/** The fault server's answer: a video and a receipt, spoiled as `fault` says, with CORS for the page. */
async function faultyAnswer(request: FaultRequest, req: IncomingMessage, res: ServerResponse, origin: string): Promise<void> {
  const cors = { 'access-control-allow-origin': origin, vary: 'Origin' };
  if (req.method === 'OPTIONS') {
    res.writeHead(204, { ...cors, 'access-control-allow-methods': 'POST', 'access-control-allow-headers': 'authorization, idempotency-key, content-type' });
    res.end();
    return;
  }
  const video = new Uint8Array(2048).fill(0x42);
  const claims = await receiptClaimsFor(request, video);
  let jws = await signer.sign(
    fault === 'other-input' ? { ...claims, input: { ...claims.input, sha256: sha256Hex(new Uint8Array(16)) } } : claims,
  );
  // One changed character of the signature: still well-formed, no longer valid.
  if (fault === 'bad-signature') jws = `${jws.slice(0, -2)}${jws.at(-2) === 'A' ? 'B' : 'A'}${jws.at(-1)}`;
  res.writeHead(200, {
    ...cors,
    'access-control-expose-headers': receiptHeader,
    'content-type': 'video/mp4',
    'content-length': String(video.length),
    [receiptHeader]: jws,
  });
  res.end(video);
}

function remoteConsent(origin: string, extra: Partial<ConsentRecord> = {}): ConsentRecord {
  return { purpose: 'face-video', processing: 'remote-service', noticeVersion: 'e2e-1', grantedAt: '2026-12-03T12:00:00Z', remoteOrigins: [origin], ageConfirmation: ofAge, ...extra };
}
const onDeviceConsent: ConsentRecord = { purpose: 'face-video', processing: 'on-device', noticeVersion: 'e2e-1', grantedAt: '2026-12-03T12:00:00Z', ageConfirmation: ofAge };

function remoteConfig(endpoint: string) {
  return { endpoint, apiKey, receiptKeys: [signer.publicKey] };
}

/** Generate through the page's client for `endpoint` (one client, so one worker, per endpoint and label). */
function generateWithClient(endpoint: string, photoUrl: string, consent: ConsentRecord, label = 'default'): Promise<ClientRun> {
  return session.page.evaluate(
    ([url, remote, consentPolicy, request, clientLabel]) =>
      (window as unknown as { vopopE2E: { generateWithClient: (...args: unknown[]) => Promise<ClientRun> } }).vopopE2E.generateWithClient(url, { remote, consentPolicy }, request, clientLabel),
    [workerUrl, remoteConfig(endpoint), policy, { photoUrl, consent, template: tinyTemplate }, label] as const,
  );
}

function askWorker(config: VopopWorkerConfig, requests: { name: string; consent: unknown }[]): Promise<WorkerAnswer[]> {
  const full = requests.map((request) => ({ ...request, photoUrl: '/e2e/portrait_small.jpg', template: tinyTemplate }));
  return session.page.evaluate(
    ([url, workerConfig, list]) =>
      (window as unknown as { vopopE2E: { askWorker: (...args: unknown[]) => Promise<WorkerAnswer[]> } }).vopopE2E.askWorker(url, workerConfig, list),
    [workerUrl, config, full] as const,
  );
}

/** The number of frames ffprobe decodes from `video`. */
function decodedFrames(video: Uint8Array): number {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vopop-remote-e2e-'));
  try {
    const file = path.join(dir, 'video.mp4');
    writeFileSync(file, video);
    const out = execFileSync('/usr/bin/ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', file]);
    return Number(out.toString().trim());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The render requests (not preflights) the recording proxy has seen so far. */
function renderRequests() {
  return proxy.captured().filter((request) => request.head.startsWith('POST '));
}

beforeAll(async () => {
  const dist = path.join(exampleRoot, 'dist');
  const workerFile = readdirSync(path.join(dist, 'assets')).find((name) => /^worker-.*\.js$/.test(name));
  if (!workerFile) throw new Error('The example build has no worker chunk.');
  workerUrl = `/assets/${workerFile}`;
  planted = await photoWithPlantedPattern();
  // The page's origin is known once its server listens, and the render server's CORS names it;
  // the CSP names the render server's origin, known later: the header is filled in below,
  // before the page is opened.
  site = await startStaticServer(dist, headers, {
    '/e2e/remote.html': { type: 'text/html; charset=utf-8', body: '<!doctype html><title>remote e2e</title><script type="module" src="/e2e/remote-page.js"></script>' },
    '/e2e/remote-page.js': { type: 'text/javascript; charset=utf-8', body: await bundlePage() },
    '/e2e/planted.png': { type: 'image/png', body: planted.photo },
    '/e2e/portrait.jpg': { type: 'image/jpeg', body: fixturePhoto('portrait.jpg') },
    '/e2e/portrait_small.jpg': { type: 'image/jpeg', body: fixturePhoto('portrait_small.jpg') },
  });
  platform = await createNodePlatform();
  signer = await createReceiptSigner();
  renderServer = await listenRenderServer(
    createRenderServer({ platform, signer, apiKeys: { [apiKey]: 'e2e' }, templates: [tinyTemplate], cors: { allowedOrigins: [site.origin] } }),
    { port: 0 },
  );
  proxy = await startRecordingProxy(new URL(renderServer.url));
  faultServer = await startFaultServer((request, req, res) => faultyAnswer(request, req, res, site.origin));
  headers['Content-Security-Policy'] = createVopopCsp({ remoteEndpoints: [proxy.url, faultServer.url] });
  session = await openPage(site.origin, '/e2e/remote.html');
  // zod probes once, as the SDK's schemas load, whether it may compile with `new Function`; the
  // CSP refuses and reports it, zod catches it and never evaluates. Only what follows counts.
  await session.resetProbe();
});

afterAll(async () => {
  await session?.close();
  await faultServer?.close();
  await proxy?.close();
  await renderServer?.close(0);
  await platform?.[Symbol.asyncDispose]();
  await site?.close();
});

describe('remote mode in Chromium, against the real render server', () => {
  it('the worker sends only the crop and returns a decodable video with a verified receipt', async () => {
    expect(containsPattern(pngPixels(planted.photo).pixels, planted.rows)).toBe(true);
    const run = await generateWithClient(proxy.url, '/e2e/planted.png', remoteConsent(proxy.url));
    expect(run.ok, JSON.stringify(run)).toBe(true);
    if (!run.ok) return;

    // What reached the server: one render, a bare PNG of the 512×512 crop, none of the pattern
    // planted far from the face, and no cookie.
    const [request, ...others] = renderRequests();
    expect(others).toEqual([]);
    expect(request!.head.split('\r\n')[0]).toBe('POST /v1/renders?template=remote-tiny&codec=auto HTTP/1.1');
    expect(request!.headers.get('origin')).toBe(site.origin);
    expect(request!.headers.has('cookie')).toBe(false);
    expect(pngChunkTypes(request!.body)).toEqual(['IHDR', 'IDAT', 'IEND']);
    const crop = pngPixels(request!.body);
    expect([crop.width, crop.height]).toEqual([512, 512]);
    expect(containsPattern(request!.body, planted.rows)).toBe(false);
    expect(containsPattern(crop.pixels, planted.rows)).toBe(false);

    // The receipt came back verified, for that crop and that video; the video decodes.
    const receipt = run.deletionReceipt as VerifiedDeletionReceipt;
    expect(receipt.keyId).toBe(signer.publicKey.kid);
    expect(receipt.payload.input.sha256).toBe(sha256Hex(request!.body));
    expect(receipt.payload.output?.sha256).toBe(sha256Hex(new Uint8Array(run.video)));
    expect(await verifyDeletionReceipt(receipt.jws, [signer.publicKey])).toMatchObject({ ok: true });
    expect(decodedFrames(new Uint8Array(run.video))).toBe(tinyTemplate.frameCount);
    expect(run.receiptKinds).toEqual(expect.arrayContaining(['photo-bytes', 'pixels', 'landmarks', 'aligned-face']));
  });

  it('the capture check catches a page that sends the photo itself (mutant)', async () => {
    const before = renderRequests().length;
    await session.page.evaluate(async ([url, key]) => {
      const photo = await (await fetch('/e2e/planted.png')).arrayBuffer();
      const answer = await fetch(`${url}/v1/renders?template=remote-tiny`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'idempotency-key': 'mutant-0123456789abcdef', 'content-type': 'image/png' },
        body: photo,
      });
      await answer.arrayBuffer();
    }, [proxy.url, apiKey] as const);
    const request = renderRequests()[before]!;
    expect(containsPattern(pngPixels(request.body).pixels, planted.rows)).toBe(true);
  });

  it('sends no EXIF: a JPEG with EXIF leaves as a bare PNG crop', async () => {
    expect(fixturePhoto('portrait.jpg').includes('Exif')).toBe(true);
    const before = renderRequests().length;
    const run = await generateWithClient(proxy.url, '/e2e/portrait.jpg', remoteConsent(proxy.url));
    expect(run.ok, JSON.stringify(run)).toBe(true);
    const request = renderRequests()[before]!;
    expect(pngChunkTypes(request.body)).toEqual(['IHDR', 'IDAT', 'IEND']);
    expect(Buffer.from(request.body).includes('Exif')).toBe(false);
  });

  it.each([
    ['a bad signature', 'bad-signature', /receipt signature/],
    ['a receipt for another input', 'other-input', /another input/],
  ] as const)('%s: a typed RenderServiceError in the page, no video', async (_name, kind, reason) => {
    fault = kind;
    const before = faultServer.requests();
    const run = await generateWithClient(faultServer.url, '/e2e/portrait_small.jpg', remoteConsent(faultServer.url));
    expect(faultServer.requests()).toBeGreaterThan(before);
    expect(run.ok).toBe(false);
    if (run.ok) return;
    expect(run.code).toBe('RENDER_SERVICE');
    expect(run.renderServiceError).toBe(true);
    expect(run.failure).toBe('receipt-invalid');
    expect(run.retryable).toBe(false);
    expect(run.reason).toMatch(reason);
    // The worker's receipt: the crop and the refused video were wiped (re-read as zeros), and
    // nothing was moved out to the page.
    const wiped = (kind: string) => run.receiptOutcomes.filter((record) => record.kind === kind);
    expect(wiped('aligned-face').length).toBeGreaterThan(0);
    expect(wiped('video').length).toBeGreaterThan(0);
    for (const record of [...wiped('aligned-face'), ...wiped('video')]) expect(record).toMatchObject({ outcome: 'wiped', verified: true });
    expect(run.receiptOutcomes.filter((record) => record.outcome === 'moved')).toEqual([]);
  });

  it('P8 in the browser worker, remote mode: each mismatch is refused before any decode, nothing is sent', async () => {
    const before = renderRequests().length;
    const answers = await askWorker({ modelsUrl: `${site.origin}/vopop/models/`, wasmUrl: `${site.origin}/vopop/tfjs/`, consentPolicy: policy, remote: remoteConfig(proxy.url) }, [
      { name: 'no record', consent: null },
      { name: 'an on-device record', consent: onDeviceConsent },
      { name: 'another origin', consent: remoteConsent('https://render.example.com') },
      { name: 'no age confirmation', consent: { ...remoteConsent(proxy.url), ageConfirmation: undefined } },
      { name: 'an expired notice', consent: remoteConsent(proxy.url, { noticeVersion: 'e2e-0' }) },
      { name: 'accepted', consent: remoteConsent(proxy.url) },
    ]);
    const refusals = answers.slice(0, -1).map(({ name, code, reason, receiptKinds }) => ({ name, code, reason, receiptKinds }));
    expect(refusals).toEqual([
      { name: 'no record', code: 'CONSENT_REQUIRED', reason: 'missing', receiptKinds: ['photo-bytes'] },
      { name: 'an on-device record', code: 'CONSENT_REQUIRED', reason: 'mode-mismatch', receiptKinds: ['photo-bytes'] },
      { name: 'another origin', code: 'CONSENT_REQUIRED', reason: 'origin-not-named', receiptKinds: ['photo-bytes'] },
      { name: 'no age confirmation', code: 'CONSENT_REQUIRED', reason: 'age-not-confirmed', receiptKinds: ['photo-bytes'] },
      { name: 'an expired notice', code: 'CONSENT_REQUIRED', reason: 'notice-version-not-accepted', receiptKinds: ['photo-bytes'] },
    ]);
    // The control: the same worker decodes and renders once the record is right, so the
    // receipts above would show a decode had there been one.
    expect(answers.at(-1)).toMatchObject({ name: 'accepted', ok: true });
    expect(answers.at(-1)!.receiptKinds).toContain('pixels');
    expect(renderRequests().length).toBe(before + 1);
  });

  it('P8 in the browser worker, on-device mode: each mismatch is refused before any decode', async () => {
    const answers = await askWorker({ modelsUrl: `${site.origin}/vopop/models/`, wasmUrl: `${site.origin}/vopop/tfjs/`, consentPolicy: policy }, [
      { name: 'no record', consent: null },
      { name: 'a remote record', consent: remoteConsent(proxy.url) },
      { name: 'no age confirmation', consent: { ...onDeviceConsent, ageConfirmation: undefined } },
      { name: 'an expired notice', consent: { ...onDeviceConsent, noticeVersion: 'e2e-0' } },
      { name: 'accepted', consent: onDeviceConsent },
    ]);
    expect(answers.slice(0, -1).map(({ reason, receiptKinds }) => ({ reason, receiptKinds }))).toEqual([
      { reason: 'missing', receiptKinds: ['photo-bytes'] },
      { reason: 'mode-mismatch', receiptKinds: ['photo-bytes'] },
      { reason: 'age-not-confirmed', receiptKinds: ['photo-bytes'] },
      { reason: 'notice-version-not-accepted', receiptKinds: ['photo-bytes'] },
    ]);
    expect(answers.at(-1)).toMatchObject({ name: 'accepted', ok: true });
    expect(answers.at(-1)!.receiptKinds).toContain('pixels');
  });

  it('ran under the CSP for these endpoints, with no violation', async () => {
    expect((await session.probe()).cspViolations).toEqual([]);
    expect(session.consoleLines.filter((line) => /Content Security Policy|Refused to|CORS/i.test(line))).toEqual([]);
    const foreign = session.requests.filter((url) => !url.startsWith(`${site.origin}/`) && !url.startsWith(`${proxy.url}/`) && !url.startsWith(`${faultServer.url}/`));
    expect(foreign).toEqual([]);
  });

  it('the worker\'s own CSP decides: without the endpoint in connect-src the crop never leaves', async () => {
    // A new worker whose script is served under the on-device policy (a worker takes its CSP
    // from its own response): the same call, and the browser blocks it before any byte is sent.
    const before = proxy.captured().length;
    headers['Content-Security-Policy'] = vopopCsp;
    let run: ClientRun;
    try {
      run = await generateWithClient(proxy.url, '/e2e/portrait_small.jpg', remoteConsent(proxy.url), 'on-device policy');
    } finally {
      headers['Content-Security-Policy'] = createVopopCsp({ remoteEndpoints: [proxy.url, faultServer.url] });
    }
    expect(run.ok).toBe(false);
    if (run.ok) return;
    expect(run.code, run.message).toBe('RENDER_SERVICE');
    expect(run.failure).toBe('network');
    // Not even a preflight reached the service. The same endpoint, worker script and
    // configuration succeed above under createVopopCsp's policy: only the policy differs.
    expect(proxy.captured().length).toBe(before);
  });
});
