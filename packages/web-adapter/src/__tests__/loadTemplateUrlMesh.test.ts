/**
 * `loadTemplateUrl` on a format-2 template served over real HTTP (loopback): the mesh track's
 * data file is fetched from the manifest's folder and checked before the template is returned.
 */
import { TemplateInvalidError, builtInTemplates, encodeMeshTrack } from '@vopop/core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadTemplateUrl } from '../templates/loadTemplateUrl';
import type { LoopbackServer } from './loopbackServer';
import { startLoopbackServer } from './loopbackServer';

const frameCount = 6;
const pointCount = 468;
const imageLeftEye = [33, 7, 163, 144, 145, 153, 154, 155, 133, 246, 161, 160, 159, 158, 157, 173];
const imageRightEye = [263, 249, 390, 373, 374, 380, 381, 382, 362, 466, 388, 387, 386, 385, 384, 398];

/** A cloud of mesh points per frame with the eyes 100 px apart. */
function meshValues(): Float32Array {
  const values = new Float32Array(frameCount * pointCount * 3);
  for (let f = 0; f < frameCount; f++) {
    for (let p = 0; p < pointCount; p++) values.set([180 + 80 * Math.cos(p), 320 + 110 * Math.sin(p), f], (f * pointCount + p) * 3);
    for (const p of imageLeftEye) values.set([130, 290, 0], (f * pointCount + p) * 3);
    for (const p of imageRightEye) values.set([230, 290, 0], (f * pointCount + p) * 3);
  }
  return values;
}

const { bytes, data } = encodeMeshTrack(meshValues());
const manifest = {
  ...(structuredClone(builtInTemplates[0]!) as object),
  version: 2,
  id: 'served-mesh',
  width: 360,
  height: 640,
  frameCount,
  background: { kind: 'video', path: 'clip.mp4' },
  faceTrack: { kind: 'mesh', pointCount, neutralFrame: 0, data: { path: 'clip.mesh.bin', ...data }, regions: { mouth: 'frame', eyes: 'frame' } },
};

let app: LoopbackServer;

beforeAll(async () => {
  app = await startLoopbackServer();
  app.route('/t/mesh/manifest.json', { body: JSON.stringify(manifest), type: 'application/json' });
  app.route('/t/mesh/clip.mesh.bin', { body: bytes });
  app.route('/t/short/manifest.json', { body: JSON.stringify(manifest), type: 'application/json' });
  app.route('/t/short/clip.mesh.bin', { body: bytes.subarray(0, bytes.length - pointCount * 6) });
  app.route('/t/gone/manifest.json', { body: JSON.stringify(manifest), type: 'application/json' });
  // One coordinate changed: the right size, every value in range, another SHA-256.
  const damaged = bytes.slice();
  damaged[4 * pointCount * 6] = damaged[4 * pointCount * 6]! ^ 1;
  app.route('/t/damaged/manifest.json', { body: JSON.stringify(manifest), type: 'application/json' });
  app.route('/t/damaged/clip.mesh.bin', { body: damaged });
  // A same-origin redirect out of the template's folder, to a file that is the right one.
  app.route('/t/away/manifest.json', { body: JSON.stringify(manifest), type: 'application/json' });
  app.route('/t/away/clip.mesh.bin', { redirect: '/elsewhere/clip.mesh.bin' });
  app.route('/elsewhere/clip.mesh.bin', { body: bytes });
});

afterAll(async () => {
  await app.close();
});

beforeEach(() => {
  vi.stubGlobal('location', new URL(`${app.origin}/index.html`));
  app.requested.length = 0;
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('loadTemplateUrl, format 2', () => {
  it('fetches the mesh data beside the manifest and returns the checked track', async () => {
    const loaded = await loadTemplateUrl('/t/mesh/manifest.json');
    expect(app.requested).toEqual(['/t/mesh/manifest.json', '/t/mesh/clip.mesh.bin']);
    expect(loaded.meshTrack?.pointCount).toBe(pointCount);
    expect(loaded.meshTrack?.frames).toHaveLength(frameCount);
    expect(loaded.meshTrack?.frames[4]![2]).toBe(4);
  });

  it.each([
    ['/t/short/manifest.json', { path: 'faceTrack.data.path', message: `mesh data holds ${frameCount - 1} frames; the template has ${frameCount} (frameCount)` }],
    ['/t/gone/manifest.json', { path: 'faceTrack.data.path', message: 'the file answered HTTP 404' }],
    ['/t/damaged/manifest.json', { path: 'faceTrack.data.sha256', message: "the mesh data file's SHA-256 is not the manifest's: the file was changed or damaged" }],
    ['/t/away/manifest.json', { path: 'faceTrack.data.path', message: 'the file was redirected outside the template folder' }],
  ])('%s → TemplateInvalidError', async (url, issue) => {
    const error = await loadTemplateUrl(url).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TemplateInvalidError);
    expect((error as TemplateInvalidError).issues).toEqual([issue]);
  });

  it('refuses a mesh data file over the assets\' size cap', async () => {
    const error = await loadTemplateUrl('/t/mesh/manifest.json', { assets: { maxBytes: bytes.length - 1 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TemplateInvalidError);
    expect((error as TemplateInvalidError).issues).toEqual([{ path: 'faceTrack.data.path', message: `the file is larger than ${bytes.length - 1} bytes` }]);
    // The control: the exact size is accepted.
    const loaded = await loadTemplateUrl('/t/mesh/manifest.json', { assets: { maxBytes: bytes.length } });
    expect(loaded.meshTrack?.frames).toHaveLength(frameCount);
  });
});
