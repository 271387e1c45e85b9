import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaceLandmarks } from '../detect/faceLandmarks';
import type { RgbaImage } from '../ports/rgbaImage';
import { EphemeralScope } from '../purge/ephemeralScope';
import { isAllZero } from '../purge/zeroFill';
import { measureLabStats } from '../render/compositing/colourTransfer';
import { createMeshCompositor } from '../render/mesh/meshCompositor';
import type { MeshCompositorOptions } from '../render/mesh/meshCompositor';
import { loadFaceWithMesh } from './meshTestKit';
import { recordingWipers } from './recordingWipers';

/*
 * Light and colour of the mesh face over time: the face follows the light under it, smoothly,
 * and takes on a recorded template's shading.
 */

let scope: EphemeralScope;
let photo: RgbaImage;
let face: FaceLandmarks;

beforeAll(async () => {
  scope = new EphemeralScope({ label: 'mesh-light-test' });
  ({ photo, face } = await loadFaceWithMesh('portrait.jpg', scope));
}, 120_000);

afterAll(() => scope.purge());

/** A compositor over frames the photo's size; 'draft', so that no seam blend lets the background in. */
function compositor(extra: Partial<MeshCompositorOptions>) {
  return createMeshCompositor({
    photo,
    landmarks: face,
    scope,
    frameWidth: photo.width,
    frameHeight: photo.height,
    quality: 'draft',
    ...extra,
  });
}

/** Fill `frame` with grey `level`, or with `level(x)` per column. */
function fill(frame: Uint8Array, level: number | ((x: number) => number)): Uint8Array {
  const w = photo.width;
  for (let i = 0; i < frame.length; i += 4) {
    const v = typeof level === 'number' ? level : level((i >> 2) % w);
    frame[i] = v;
    frame[i + 1] = v;
    frame[i + 2] = v;
    frame[i + 3] = 255;
  }
  return frame;
}

/** Inner face box (away from the ring), as a weight mask; `side` keeps only left or right of the nose. */
function innerFace(side?: 'left' | 'right'): Uint8Array {
  const [x0, y0, x1, y1] = face.box as unknown as [number, number, number, number];
  const noseX = face.points[1 * 3]!;
  const mask = new Uint8Array(photo.width * photo.height);
  for (let y = Math.ceil(y0 + 0.25 * (y1 - y0)); y < y1 - 0.15 * (y1 - y0); y++) {
    for (let x = Math.ceil(x0 + 0.15 * (x1 - x0)); x < x1 - 0.15 * (x1 - x0); x++) {
      if (side === 'left' && x >= noseX - 0.05 * (x1 - x0)) continue;
      if (side === 'right' && x <= noseX + 0.05 * (x1 - x0)) continue;
      mask[y * photo.width + x] = 1;
    }
  }
  return mask;
}

describe('mesh face light over time', () => {
  it('follows a background whose brightness ramps, with a bounded change per frame', () => {
    using c = compositor({ colourMatchStrength: 1 });
    const frame = new Uint8Array(photo.width * photo.height * 4);
    const mask = innerFace();
    const lightness: number[] = [];
    const frames = 90;
    for (let f = 0; f < frames; f++) {
      // 10 frames still, then a ramp from grey 70 to 200 over 40 frames, then still again.
      const t = Math.min(1, Math.max(0, (f - 10) / 40));
      fill(frame, Math.round(70 + 130 * t));
      c.composite(frame, face.points);
      lightness.push(measureLabStats(frame, mask)[0]!);
    }
    // The face brightens with the scene (the grey's L* goes from ~29 to ~81).
    expect(lightness[frames - 1]! - lightness[0]!).toBeGreaterThan(25);
    // Still while the scene is still: not a level of change in the first 10 frames.
    for (let f = 1; f < 10; f++) expect(Math.abs(lightness[f]! - lightness[0]!)).toBeLessThan(0.05);
    // No jumps: the grey steps by ~1.3 L* per frame on the ramp; the filter moves the target's mean
    // by 0.4 L* per frame at most (a little more on the face's bright pixels, as a gain in linear light).
    let largest = 0;
    for (let f = 1; f < frames; f++) largest = Math.max(largest, Math.abs(lightness[f]! - lightness[f - 1]!));
    expect(largest).toBeLessThan(0.8);
  });

  it('a jump in the background is followed gradually, not at once', () => {
    using c = compositor({ colourMatchStrength: 1 });
    const frame = new Uint8Array(photo.width * photo.height * 4);
    const mask = innerFace();
    c.composite(fill(frame, 90), face.points);
    const before = measureLabStats(frame, mask)[0]!;
    c.composite(fill(frame, 220), face.points);
    const after1 = measureLabStats(frame, mask)[0]!;
    for (let f = 0; f < 40; f++) c.composite(fill(frame, 220), face.points);
    const later = measureLabStats(frame, mask)[0]!;
    expect(after1 - before).toBeGreaterThan(0.1);
    expect(after1 - before).toBeLessThan(1.3);
    expect(later - before).toBeGreaterThan(10);
  });
});

describe('shading transfer', () => {
  /** Mean luma of the face's left and right halves drawn over `frame`. */
  function halves(shadingStrength: number, level: (x: number) => number): { left: number; right: number } {
    using c = compositor({ colourMatchStrength: 0, shadingStrength });
    const frame = fill(new Uint8Array(photo.width * photo.height * 4), level);
    c.composite(frame, face.points);
    return { left: measureLabStats(frame, innerFace('left'))[0]!, right: measureLabStats(frame, innerFace('right'))[0]! };
  }

  const litFrom = (side: 'left' | 'right') => (x: number) => {
    const [bx0, , bx1] = face.box as unknown as [number, number, number];
    const t = Math.min(1, Math.max(0, (x - bx0) / (bx1 - bx0)));
    return Math.round(side === 'left' ? 200 - 120 * t : 80 + 120 * t);
  };

  it('a template frame lit from the left makes the face’s left half brighter than its right', () => {
    const flat = halves(0.7, () => 140);
    const left = halves(0.7, litFrom('left'));
    const right = halves(0.7, litFrom('right'));
    const flatStep = flat.left - flat.right;
    expect(left.left - left.right).toBeGreaterThan(flatStep + 6);
    expect(right.left - right.right).toBeLessThan(flatStep - 6);
    // Off: the background does not shade the face.
    const offFlat = halves(0, () => 140);
    const offLeft = halves(0, litFrom('left'));
    expect(Math.abs(offLeft.left - offLeft.right - (offFlat.left - offFlat.right))).toBeLessThan(0.1);
  });

  it('the shading follows the template smoothly from frame to frame', () => {
    using c = compositor({ colourMatchStrength: 0, shadingStrength: 0.7 });
    const frame = new Uint8Array(photo.width * photo.height * 4);
    const left = innerFace('left');
    const right = innerFace('right');
    const steps: number[] = [];
    for (let f = 0; f < 60; f++) {
      // The light swings from the left to the right in one frame at f = 10.
      fill(frame, f < 10 ? litFrom('left') : litFrom('right'));
      c.composite(frame, face.points);
      steps.push(measureLabStats(frame, left)[0]! - measureLabStats(frame, right)[0]!);
    }
    expect(steps[9]!).toBeGreaterThan(0);
    expect(steps[59]!).toBeLessThan(0);
    for (let f = 11; f < 60; f++) expect(Math.abs(steps[f]! - steps[f - 1]!)).toBeLessThan(4);
  });
});

describe('light buffers', () => {
  it('are held in the scope, wiped at purge, and not added to per frame', () => {
    const { held, wipers } = recordingWipers();
    const generation = new EphemeralScope({ label: 'mesh-light-p1', wipers });
    const c = createMeshCompositor({
      photo,
      landmarks: face,
      scope: generation,
      frameWidth: photo.width,
      frameHeight: photo.height,
      shadingStrength: 0.7,
    });
    const frame = new Uint8Array(photo.width * photo.height * 4);
    fill(frame, (x) => 60 + (x % 120));
    c.composite(frame, face.points);
    const liveAfterFirst = generation.liveHandles;
    const bytesAfterFirst = c.byteLength;
    for (let f = 1; f < 12; f++) c.composite(fill(frame, (x) => 60 + f * 8 + (x % 120)), face.points);
    expect(generation.liveHandles).toBe(liveAfterFirst);
    expect(c.byteLength).toBe(bytesAfterFirst);
    const receipt = generation.purge();
    const labels = receipt.records.map((r) => r.label);
    for (const label of ['mesh.light-stats', 'mesh.light-lut', 'mesh.shading-photo', 'mesh.shading-ratio', 'mesh.shading-fit', 'mesh.packed-base']) {
      expect(labels).toContain(label);
    }
    const bytesOf = (view: ArrayBufferView) => new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    expect(held.filter((view) => !isAllZero(bytesOf(view)))).toEqual([]);
    expect(receipt.totals.failed).toBe(0);
  });
});
