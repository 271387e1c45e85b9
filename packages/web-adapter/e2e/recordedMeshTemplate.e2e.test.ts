/**
 * A recorded format-2 template (examples/templates/astronaut-performance, made by
 * `vopop template build`: a background video and a 478-point mesh track in an int16 file beside
 * the manifest) renders in Chromium: the example page loads it through `templateUrl`, its built
 * worker fetches the manifest, the video and the mesh data from the app's origin under the strict
 * CSP, and renders on the device.
 *
 * That the mesh track was used, and used as in Node: the browser's frames are compared with the
 * frames Node renders from the same photo and the same template (the same core code; they differ
 * only by the detector's backend and the two encoders), inside the face's box of each checked
 * frame. A mutant of the template with the mesh track replaced by its own five points per frame
 * (the face is placed exactly as before, but the built-in motion preset moves it instead of the
 * recording) renders in the same browser and is clearly further from Node's frames: so the close
 * match is the recording's doing, not the placement's or the background's.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateVideo, resolveFaceTrack } from '@vopop/core';
import { createNodePlatform, loadTemplateFile } from '@vopop/node-adapter';
import type { LoadedTemplateFile } from '@vopop/node-adapter';
import { vopopCsp } from '@vopop/web-adapter/vite';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ExampleSession } from './browserHarness';
import { facesDir, generate, message, openPage, pickTemplateUrl, repoRoot, workersClosed } from './browserHarness';
import { exampleRoot } from './buildExample';
import type { StaticServer } from './staticServer';
import { startStaticServer } from './staticServer';
import type { Region } from './videoFrames';
import { ffmpegFrame, meanAbsDifference } from './videoFrames';

const templateDir = path.join(repoRoot, 'examples', 'templates', 'astronaut-performance');
const meshFile = 'astronaut-performance.mesh.bin';
const videoFile = 'astronaut-performance.mp4';
const recordedUrl = '/e2e/recorded/template.json';
const mutantUrl = '/e2e/no-mesh/template.json';
const photo = 'portrait_small.jpg';
const width = 360;
const height = 640;
/** Frames compared: the start, the blink and mouth movement in between, the end. */
const checkedFrames = [0, 20, 40, 60, 89];
/** Mean absolute difference (of 255) under which a browser frame counts as Node's. */
const closeToNode = 4;
const consent = { purpose: 'face-video', processing: 'on-device', noticeVersion: 'test', grantedAt: '2026-12-03T00:00:00Z' } as const;

let loaded: LoadedTemplateFile;
let site: StaticServer;
let session: ExampleSession | undefined;
let scratch: string;
/** Node's rendering of the photo on the recorded template, as a file ffmpeg reads. */
let nodeVideo: string;

/** The box around the recorded face's mesh in `frame`, widened by a tenth each side. */
function faceBox(frame: number): Region {
  const mesh = loaded.meshTrack!.frames[frame]!;
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let i = 0; i < mesh.length; i += 3) {
    minX = Math.min(minX, mesh[i]!);
    maxX = Math.max(maxX, mesh[i]!);
    minY = Math.min(minY, mesh[i + 1]!);
    maxY = Math.max(maxY, mesh[i + 1]!);
  }
  const padX = 0.1 * (maxX - minX);
  const padY = 0.1 * (maxY - minY);
  const x = Math.max(0, Math.floor(minX - padX));
  const y = Math.max(0, Math.floor(minY - padY));
  return { x, y, width: Math.min(width, Math.ceil(maxX + padX)) - x, height: Math.min(height, Math.ceil(maxY + padY)) - y };
}

/** Mean absolute difference, per checked frame, of two videos inside the recorded face's box. */
function faceDifferences(a: string, b: string): number[] {
  return checkedFrames.map((frame) => meanAbsDifference(ffmpegFrame(a, frame, width, height), ffmpegFrame(b, frame, width, height), width, [faceBox(frame)]));
}

/** Generate on the example page from `templateUrl`, and return the saved video's path. */
async function renderInBrowser(templateUrl: string): Promise<string> {
  session = await openPage(site.origin, '/');
  const { page } = session;
  await pickTemplateUrl(page, templateUrl);
  await generate(session, photo);
  const status = await message(page);
  expect(status.tone, status.text).toBe('ok');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#save')]);
  return (await download.path())!;
}

const mean = (values: readonly number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;

beforeAll(async () => {
  loaded = await loadTemplateFile(path.join(templateDir, 'template.json'));
  const manifest = JSON.parse(readFileSync(path.join(templateDir, 'template.json'), 'utf8')) as Record<string, unknown>;
  // The mutant: the same manifest and video, the mesh track swapped for its five points per frame.
  const targets = resolveFaceTrack(loaded.template, loaded.meshTrack);
  const points = Array.from({ length: loaded.template.frameCount }, (_, frame) => Array.from(targets(frame), (value) => Math.round(value * 100) / 100));
  const mutant = { ...manifest, id: 'astronaut-performance-no-mesh', faceTrack: { kind: 'points', points } };
  const file = (name: string) => readFileSync(path.join(templateDir, name));
  site = await startStaticServer(
    path.join(exampleRoot, 'dist'),
    { 'Content-Security-Policy': vopopCsp },
    {
      [recordedUrl]: { type: 'application/json', body: file('template.json') },
      [`/e2e/recorded/${meshFile}`]: { type: 'application/octet-stream', body: file(meshFile) },
      [`/e2e/recorded/${videoFile}`]: { type: 'video/mp4', body: file(videoFile) },
      [mutantUrl]: { type: 'application/json', body: JSON.stringify(mutant) },
      [`/e2e/no-mesh/${videoFile}`]: { type: 'video/mp4', body: file(videoFile) },
    },
  );

  // The reference: Node renders the same photo on the same template.
  scratch = mkdtempSync(path.join(os.tmpdir(), 'vopop-mesh-e2e-'));
  await using platform = await createNodePlatform();
  const result = await generateVideo({ photo: readFileSync(path.join(facesDir, photo)), consent, template: loaded }, platform);
  nodeVideo = path.join(scratch, 'node.mp4');
  try {
    writeFileSync(nodeVideo, result.video.value);
  } finally {
    result.video.purge();
  }
}, 240_000);

afterEach(async () => {
  await session?.close();
  session = undefined;
});

afterAll(async () => {
  await site?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('a recorded mesh template in Chromium', () => {
  let recordedDifferences: number[] = [];

  it('loads from the app origin with its mesh data and renders as Node does, under the strict CSP', async () => {
    const saved = await renderInBrowser(recordedUrl);
    const s = session!;

    // P4: the manifest, its video and its mesh data came from the app's origin; nothing else did.
    const foreign = s.requests.filter((url) => !url.startsWith(`${s.origin}/`) && !url.startsWith(`blob:${s.origin}/`));
    expect(foreign).toEqual([]);
    const paths = s.requests.map((url) => new URL(url).pathname);
    expect(paths).toContain(recordedUrl);
    // Read once: the renderer finds the track the loader read, it does not fetch and hash it again.
    expect(paths.filter((path) => path === `/e2e/recorded/${meshFile}`)).toHaveLength(1);
    expect(paths).toContain(`/e2e/recorded/${videoFile}`);
    expect((await s.probe()).cspViolations).toEqual([]);
    expect(s.consoleLines.filter((line) => /Content Security Policy|Refused to/i.test(line))).toEqual([]);
    expect(await s.page.getAttribute('#receipt', 'data-failed')).toBe('0');
    expect(await workersClosed(s)).toBe(true);

    // Every frame of the template, at its size.
    expect(ffmpegFrame(saved, 89, width, height).byteLength).toBe(width * height * 4);
    expect(() => ffmpegFrame(saved, 90, width, height)).toThrow();

    // Inside the face's box, each checked frame is within a few levels of Node's (measured 1.8 to
    // 2.2 of 255: the detector's backend, tfjs' wasm here, and the two H.264 encoders).
    recordedDifferences = faceDifferences(saved, nodeVideo);
    expect(recordedDifferences.every((difference) => difference < closeToNode), `face-box differences ${recordedDifferences.map((d) => d.toFixed(2)).join(', ')}`).toBe(true);
  });

  it('the same template without its mesh track (the motion preset) is clearly further from Node\'s frames', async () => {
    expect(recordedDifferences, 'the recorded template rendered first').toHaveLength(checkedFrames.length);
    const saved = await renderInBrowser(mutantUrl);
    const paths = session!.requests.map((url) => new URL(url).pathname);
    expect(paths).not.toContain(`/e2e/no-mesh/${meshFile}`);
    const mutantDifferences = faceDifferences(saved, nodeVideo);
    const summary = `recorded ${recordedDifferences.map((d) => d.toFixed(2)).join(', ')}; mutant ${mutantDifferences.map((d) => d.toFixed(2)).join(', ')}`;
    // Measured 9 to 20 per frame (about 8 times the recorded template's mean): the preset's blink,
    // smile and talk are not the actor's.
    expect(mutantDifferences.every((difference) => difference > closeToNode), summary).toBe(true);
    expect(mean(mutantDifferences), summary).toBeGreaterThan(3 * mean(recordedDifferences));
  });
});
