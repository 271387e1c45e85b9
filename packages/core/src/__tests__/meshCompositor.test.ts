import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaceLandmarks } from '../detect/faceLandmarks';
import { InvalidArgumentError } from '../errors/invalidArgumentError';
import { PurgedError } from '../errors/purgedError';
import type { RgbaImage } from '../ports/rgbaImage';
import { EphemeralScope } from '../purge/ephemeralScope';
import { isAllZero } from '../purge/zeroFill';
import { typedArrayWiper } from '../purge/bufferWipers';
import { createMeshCompositor } from '../render/mesh/meshCompositor';
import type { RenderQuality } from '../render/mesh/renderQuality';
import { loadFaceWithMesh } from './meshTestKit';
import { recordingWipers } from './recordingWipers';

let scope: EphemeralScope;
let photo: RgbaImage;
let face: FaceLandmarks;

beforeAll(async () => {
  scope = new EphemeralScope({ label: 'mesh-compositor-test' });
  ({ photo, face } = await loadFaceWithMesh('portrait.jpg', scope));
}, 120_000);

afterAll(() => scope.purge());

/** A frame the photo's size, filled with one colour. */
function plainFrame(rgb: readonly [number, number, number]): Uint8Array {
  const frame = new Uint8Array(photo.width * photo.height * 4);
  for (let i = 0; i < frame.length; i += 4) frame.set([...rgb, 255], i);
  return frame;
}

describe('mesh compositor', () => {
  it('warping the photo onto its own mesh reproduces the face', () => {
    using compositor = createMeshCompositor({
      photo,
      landmarks: face,
      scope,
      frameWidth: photo.width,
      frameHeight: photo.height,
      quality: 'draft',
      colourMatchStrength: 0,
    });
    const frame = plainFrame([0, 255, 0]);
    compositor.composite(frame, face.points);
    // Compare inside the face's box (eyes, nose and mouth included), away from the ring's fade.
    const [x0, y0, x1, y1] = face.box;
    const pixels = photo.pixels.value;
    let error = 0;
    let count = 0;
    let untouched = 0;
    for (let y = Math.ceil(y0! + 0.2 * (y1! - y0!)); y < y1! - 0.1 * (y1! - y0!); y++) {
      for (let x = Math.ceil(x0! + 0.2 * (x1! - x0!)); x < x1! - 0.2 * (x1! - x0!); x++) {
        const o = (y * photo.width + x) * 4;
        if (frame[o] === 0 && frame[o + 1] === 255 && frame[o + 2] === 0) untouched++;
        for (let c = 0; c < 3; c++) error += Math.abs(frame[o + c]! - pixels[o + c]!);
        count += 3;
      }
    }
    expect(untouched).toBe(0);
    expect(error / count).toBeLessThan(1.5);
    // Far from the face the frame is as it was.
    expect([...frame.subarray(0, 4)]).toEqual([0, 255, 0, 255]);
  });

  it('fades the face out across the ring: the outline is solid, the ring’s outer edge is background', () => {
    using compositor = createMeshCompositor({ photo, landmarks: face, scope, frameWidth: photo.width, frameHeight: photo.height, colourMatchStrength: 0 });
    const frame = plainFrame([0, 255, 0]);
    compositor.composite(frame, face.points);
    const at = (x: number, y: number) => frame[(Math.round(y) * photo.width + Math.round(x)) * 4 + 1]!;
    // Chin (152) and a point well below it, along the face's axis (forehead 10 → chin 152).
    const p = face.points;
    const [cx, cy] = [p[152 * 3]!, p[152 * 3 + 1]!];
    const [ux, uy] = [cx - p[10 * 3]!, cy - p[10 * 3 + 1]!];
    const inside = at(cx - 0.05 * ux, cy - 0.05 * uy);
    const beyond = at(cx + 0.2 * ux, cy + 0.2 * uy);
    expect(inside).not.toBe(255);
    expect(beyond).toBe(255);
  });

  it('refuses bad input with typed errors, leaving nothing held', () => {
    const child = scope.child('mesh-bad-input');
    const bad = { photo, landmarks: face, scope: child, frameWidth: 10, frameHeight: 10 };
    expect(() => createMeshCompositor({ ...bad, quality: 'ultra' as never })).toThrow(InvalidArgumentError);
    expect(() => createMeshCompositor({ ...bad, frameWidth: 0 })).toThrow(InvalidArgumentError);
    expect(() => createMeshCompositor({ ...bad, colourMatchStrength: 2 })).toThrow(InvalidArgumentError);
    const flat = { ...face, points: face.points.slice(0, 30), pointCount: 10 };
    expect(() => createMeshCompositor({ ...bad, landmarks: flat })).toThrow(InvalidArgumentError);
    const nan = { ...face, points: face.points.slice().fill(Number.NaN, 0, 1) };
    expect(() => createMeshCompositor({ ...bad, landmarks: nan })).toThrow(InvalidArgumentError);
    expect(child.liveHandles).toBe(0);
    const compositor = createMeshCompositor(bad);
    expect(() => compositor.composite(new Uint8Array(3), face.points)).toThrow(InvalidArgumentError);
    expect(() => compositor.composite(new Uint8Array(400), new Float32Array(3))).toThrow(InvalidArgumentError);
    expect(() => compositor.composite(new Uint8Array(400), face.points.slice().fill(Infinity, 5, 6))).toThrow(/non-finite/);
    child.purge();
    expect(() => compositor.composite(new Uint8Array(400), face.points)).toThrow(PurgedError);
  });

  /**
   * P1 for the mesh buffers: composite a few frames in a scope whose typed-array wiper records
   * every buffer it is asked about; after purge every one of them must read as zero. Returns the
   * buffers that do not (none, with the real wiper).
   */
  function nonZeroAfterPurge(
    wipe: typeof typedArrayWiper.wipe,
    quality: RenderQuality = 'standard',
  ): { left: ArrayBufferView[]; held: number } {
    const { held, wipers } = recordingWipers(wipe);
    const generation = new EphemeralScope({ label: 'mesh-p1', wipers });
    const compositor = createMeshCompositor({ photo, landmarks: face, scope: generation, frameWidth: photo.width, frameHeight: photo.height, quality });
    const frame = plainFrame([10, 20, 30]);
    const target = face.points.slice();
    for (let i = 0; i < 3; i++) {
      for (let k = 0; k < target.length; k += 3) target[k] = face.points[k]! + 4 * i;
      compositor.composite(frame, target);
    }
    generation.purge();
    const bytesOf = (view: ArrayBufferView) => new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    return { left: held.filter((view) => !isAllZero(bytesOf(view))), held: held.length };
  }

  it('holds every buffer in the scope and wipes it at purge (P1); a no-op wiper is caught', () => {
    const draft = nonZeroAfterPurge(typedArrayWiper.wipe, 'draft');
    // Photo mesh, source, target, crop, skin, packed, coefficients, depth, order, extent, stats,
    // mouth colours, and the matched copy made at the first frame.
    expect(draft.held).toBeGreaterThanOrEqual(13);
    expect(draft.left).toEqual([]);
    // 'standard' and 'high' add the seam's eleven: the background under the band, its spans
    // (as rasterised, then by row, and the row index), band vertices, planes, grids, inside
    // marks, crossings, free cells, extent.
    for (const quality of ['standard', 'high'] as const) {
      const seam = nonZeroAfterPurge(typedArrayWiper.wipe, quality);
      expect(seam.held).toBeGreaterThanOrEqual(draft.held + 11);
      expect(seam.left).toEqual([]);
    }
    const mutant = nonZeroAfterPurge(() => ({ method: 'zero-fill', bytes: 0, verified: true }));
    expect(mutant.left.length).toBeGreaterThanOrEqual(10);
  });
});
