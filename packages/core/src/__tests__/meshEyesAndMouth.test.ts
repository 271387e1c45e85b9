import { describe, expect, it } from 'vitest';
import type { FaceLandmarks } from '../detect/faceLandmarks';
import { canonicalDenseFace } from '../geometry/canonicalDenseFace';
import { EphemeralScope } from '../purge/ephemeralScope';
import { isAllZero } from '../purge/zeroFill';
import { expressionBasis } from '../render/mesh/expressionPresets';
import { EyeLids } from '../render/mesh/eyeLids';
import { faceRegions } from '../render/mesh/faceRegions';
import { faceTopology } from '../render/mesh/faceTopology';
import { gazeOffsets } from '../render/mesh/gaze';
import { createMeshCompositor } from '../render/mesh/meshCompositor';
import { createMeshFaceRenderer } from '../render/mesh/meshFaceRenderer';
import { createMeshMotion } from '../render/mesh/meshMotion';
import type { MeshTrack } from '../render/mesh/meshTrack';
import { RecordedMouth } from '../render/mesh/recordedMouth';
import { recordingWipers } from './recordingWipers';

/*
 * Eyes and mouth of the mesh renderer, on a synthetic face (the mean face mesh, 300 px, on a flat
 * photo) whose eyes and mouth are painted in colours that nothing else in the photo has, so that
 * where each output pixel came from can be read off its colour.
 */
const side = 400;
const skin = [200, 150, 120] as const;
const white = [250, 250, 250] as const;
const blue = [40, 90, 210] as const;

function meanFace(pointCount: 468 | 478 = 468): Float32Array {
  const points = new Float32Array(pointCount * 3);
  for (let i = 0; i < 468; i++) {
    points[i * 3] = 50 + canonicalDenseFace[i * 2]! * 300;
    points[i * 3 + 1] = 50 + canonicalDenseFace[i * 2 + 1]! * 300;
  }
  if (pointCount === 478) {
    // Iris centres (and their four rim points, on the centre here) midway between the corners.
    for (const [iris, a, b] of [
      [468, 33, 133],
      [473, 362, 263],
    ] as const) {
      for (let k = 0; k < 5; k++) {
        for (let c = 0; c < 3; c++) points[(iris + k) * 3 + c] = (points[a * 3 + c]! + points[b * 3 + c]!) / 2;
      }
    }
  }
  return points;
}

function landmarksOf(points: Float32Array): FaceLandmarks {
  return {
    imageWidth: side,
    imageHeight: side,
    pointCount: points.length === 478 * 3 ? 478 : 468,
    points,
    box: Float32Array.of(50, 50, 350, 350),
    score: Float32Array.of(1),
  };
}

/** The closed polygon through `indices` of `mesh` (x, y, z per point), as [x, y] pairs. */
function polygon(mesh: Float32Array, indices: readonly number[], lift = 0): [number, number][] {
  return indices.map((i) => [mesh[i * 3]!, mesh[i * 3 + 1]! - lift]);
}

function inside(poly: readonly [number, number][], x: number, y: number): boolean {
  let odd = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i]!;
    const [xj, yj] = poly[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) odd = !odd;
  }
  return odd;
}

/** An eye's opening: its upper lid line (lifted by `lift` px) and its lower lid line back. */
function eyeOpening(mesh: Float32Array, eye: 0 | 1, lift = 0): [number, number][] {
  const r = faceRegions;
  const upper = eye === 0 ? r.imageLeftUpperLid : r.imageRightUpperLid;
  const lower = eye === 0 ? r.imageLeftLowerLid : r.imageRightLowerLid;
  const top = polygon(mesh, upper).map(([x, y], k) => [x, y - (k === 0 || k === upper.length - 1 ? 0 : lift)] as [number, number]);
  return [...top, ...polygon(mesh, [...lower].reverse())];
}

function eyeWidth(mesh: Float32Array, eye: 0 | 1): number {
  const [a, b] = eye === 0 ? [33, 133] : [362, 263];
  return Math.hypot(mesh[a * 3]! - mesh[b * 3]!, mesh[a * 3 + 1]! - mesh[b * 3 + 1]!);
}

/**
 * A photo of the mean face: flat skin, each eye opening white with a blue iris in the middle. The
 * white reaches `lift` px above the lid line, as it does in real photos, where the detected lid
 * line sits a little inside the visible opening.
 */
function eyePhoto(scope: EphemeralScope, mesh: Float32Array, lift: number, irisRadius = 0.18) {
  const pixels = new Uint8Array(side * side * 4);
  const eyes = [eyeOpening(mesh, 0, lift), eyeOpening(mesh, 1, lift)];
  const centres = [0, 1].map((e) => {
    const [a, b] = e === 0 ? [33, 133] : [362, 263];
    return [(mesh[a * 3]! + mesh[b * 3]!) / 2, (mesh[a * 3 + 1]! + mesh[b * 3 + 1]!) / 2];
  });
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      let colour: readonly number[] = skin;
      for (let e = 0; e < 2; e++) {
        if (!inside(eyes[e]!, x + 0.5, y + 0.5)) continue;
        const [cx, cy] = centres[e]!;
        colour = Math.hypot(x + 0.5 - cx!, y + 0.5 - cy!) < irisRadius * eyeWidth(mesh, e as 0 | 1) ? blue : white;
      }
      pixels.set([colour[0]!, colour[1]!, colour[2]!, 255], (y * side + x) * 4);
    }
  }
  return { width: side, height: side, pixels: scope.hold(pixels, { kind: 'pixels', label: 'photo' }) };
}

const isWhite = (f: Uint8Array, o: number) => Math.min(f[o]!, f[o + 1]!, f[o + 2]!) > 225;
const isBlue = (f: Uint8Array, o: number) => f[o + 2]! > f[o]! + 40;

/** Pixels inside `poly` of `frame` for which `test` holds. */
function count(frame: Uint8Array, poly: readonly [number, number][], test: (f: Uint8Array, o: number) => boolean): number {
  let n = 0;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) if (inside(poly, x + 0.5, y + 0.5) && test(frame, (y * side + x) * 4)) n++;
  }
  return n;
}

/** Centroid x of the blue pixels inside `poly`. */
function blueCentroidX(frame: Uint8Array, poly: readonly [number, number][]): number {
  let sum = 0;
  let n = 0;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      if (inside(poly, x + 0.5, y + 0.5) && isBlue(frame, (y * side + x) * 4)) {
        sum += x + 0.5;
        n++;
      }
    }
  }
  return sum / n;
}

describe('closed lids', () => {
  function render(blink: number, cover = true): { frame: Uint8Array; mesh: Float32Array } {
    const scope = new EphemeralScope({ label: 'lids-test' });
    const mesh = meanFace();
    const photo = eyePhoto(scope, mesh, 2.5);
    const compositor = createMeshCompositor({ photo, landmarks: landmarksOf(mesh), scope, frameWidth: side, frameHeight: side, colourMatchStrength: 0 });
    const basis = expressionBasis(mesh);
    const target = mesh.slice();
    for (let k = 0; k < target.length; k++) target[k] = target[k]! + blink * basis.blink[k]!;
    const frame = new Uint8Array(side * side * 4);
    const original = EyeLids.prototype.cover;
    if (!cover) EyeLids.prototype.cover = () => undefined;
    try {
      compositor.composite(frame, target);
    } finally {
      EyeLids.prototype.cover = original;
    }
    scope.purge();
    return { frame, mesh };
  }

  it('a fully closed blink leaves no eyeball (white or iris) inside the eye, and draws a lash line', () => {
    const { frame, mesh } = render(1);
    for (const eye of [0, 1] as const) {
      const opening = eyeOpening(mesh, eye, 2.5);
      expect(count(frame, opening, isWhite)).toBe(0);
      expect(count(frame, opening, isBlue)).toBe(0);
      // The lash line: clearly darker than the lid skin, inside the shut eye.
      expect(count(frame, opening, (f, o) => f[o]! < skin[0] * 0.5)).toBeGreaterThan(10);
    }
  });

  it('without the lid cover the squashed lid would show the eyeball (what the cover fixes)', () => {
    const { frame, mesh } = render(1, false);
    expect(count(frame, eyeOpening(mesh, 0, 2.5), isWhite)).toBeGreaterThan(10);
  });

  it('an open eye is left as the photo has it, and a half-closed one is only partly covered', () => {
    const open = render(0);
    expect(count(open.frame, eyeOpening(open.mesh, 0), isWhite)).toBeGreaterThan(100);
    expect(count(open.frame, eyeOpening(open.mesh, 0), isBlue)).toBeGreaterThan(20);
    const weightScope = new EphemeralScope({ label: 'weights' });
    const lids = new EyeLids(weightScope, open.mesh);
    const basis = expressionBasis(open.mesh);
    const weights = new Float64Array(2);
    const at = (blink: number) => {
      const target = open.mesh.map((v, k) => v + blink * basis.blink[k]!);
      lids.weights(target, weights);
      return weights[0]!;
    };
    expect(at(0)).toBe(0);
    expect(at(0.3)).toBe(0);
    expect(at(0.7)).toBeGreaterThan(0.2);
    expect(at(0.7)).toBeLessThan(1);
    expect(at(1)).toBe(1);
    weightScope.purge();
  });
});

describe('gaze', () => {
  it('moves the iris inside the eye opening by the gaze offset, corners and lids in place', () => {
    const scope = new EphemeralScope({ label: 'gaze-test' });
    const mesh = meanFace();
    const photo = eyePhoto(scope, mesh, 0);
    const compositor = createMeshCompositor({ photo, landmarks: landmarksOf(mesh), scope, frameWidth: side, frameHeight: side, colourMatchStrength: 0 });
    const still = new Uint8Array(side * side * 4);
    compositor.composite(still, mesh);
    const looking = new Uint8Array(side * side * 4);
    compositor.composite(looking, mesh, { gaze: Float32Array.of(0.12, 0, -0.1, 0) });
    for (const [eye, along] of [
      [0, 0.12],
      [1, -0.1],
    ] as const) {
      const opening = eyeOpening(mesh, eye);
      const moved = blueCentroidX(looking, opening) - blueCentroidX(still, opening);
      const expected = along * eyeWidth(mesh, eye);
      expect(Math.abs(moved - expected)).toBeLessThan(0.3 * Math.abs(expected));
      // The eye is still all eye: no skin pulled into the opening, the same amount of iris.
      expect(Math.abs(count(looking, opening, isBlue) - count(still, opening, isBlue))).toBeLessThan(0.25 * count(still, opening, isBlue));
    }
    // Outside the eyes nothing changed.
    for (let o = 0; o < still.length; o += 4) {
      const x = ((o / 4) % side) + 0.5;
      const y = Math.floor(o / 4 / side) + 0.5;
      if (inside(eyeOpening(mesh, 0), x, y) || inside(eyeOpening(mesh, 1), x, y)) continue;
      if (still[o] !== looking[o] || still[o + 2] !== looking[o + 2]) throw new Error(`pixel ${x}, ${y} changed outside the eyes`);
    }
    scope.purge();
  });

  it('follows a recorded template: its iris offset from its neutral, both eyes together, in eye widths', () => {
    const scope = new EphemeralScope({ label: 'gaze-motion-test' });
    const neutral = meanFace(478);
    const frame = neutral.slice();
    const width = eyeWidth(neutral, 0);
    for (const iris of [468, 473]) {
      for (let k = 0; k < 5; k++) frame[(iris + k) * 3] = frame[(iris + k) * 3]! + 0.1 * width;
    }
    const track: MeshTrack = { pointCount: 478, neutral, frames: [neutral, frame] };
    const motion = createMeshMotion({ photoMesh: meanFace(), photoFivePoints: new Float32Array(10), scope, fps: 30, frameCount: 2, meshTrack: track });
    const gaze = new Float32Array(4);
    expect(motion.gazeAt(0, gaze)).toBe(true);
    for (const v of gaze) expect(Math.abs(v)).toBeLessThan(1e-6);
    // Both eyes looked 0.1 eye widths to the right; 0.03 of that is taken as the tracker's noise.
    expect(motion.gazeAt(1, gaze)).toBe(true);
    expect(gaze[0]).toBeCloseTo(0.07, 2);
    expect(Math.abs(gaze[1]!)).toBeLessThan(0.01);
    expect(gaze[2]).toBeCloseTo(0.07, 2);
    expect(Math.abs(gaze[3]!)).toBeLessThan(0.01);
    // A wobble within the tracker's noise moves nothing.
    const wobble = neutral.slice();
    for (let k = 0; k < 5; k++) wobble[(468 + k) * 3] = wobble[(468 + k) * 3]! + 0.02 * width;
    const still: MeshTrack = { pointCount: 478, neutral, frames: [wobble] };
    const steady = createMeshMotion({ photoMesh: meanFace(), photoFivePoints: new Float32Array(10), scope, fps: 30, frameCount: 1, meshTrack: still });
    expect(steady.gazeAt(0, gaze)).toBe(true);
    expect(Array.from(gaze)).toEqual([0, 0, 0, 0]);
    // No irises, no gaze: a 468-point track.
    const flat: MeshTrack = { pointCount: 468, neutral: meanFace(), frames: [meanFace()] };
    const plain = createMeshMotion({ photoMesh: meanFace(), photoFivePoints: new Float32Array(10), scope, fps: 30, frameCount: 1, meshTrack: flat });
    expect(plain.gazeAt(0, gaze)).toBe(false);
    expect(gazeOffsets(meanFace(), gaze)).toBe(false);
    scope.purge();
  });
});

describe('recorded mouth interior', () => {
  /** The photo: the mean face with shut lips, flat green. The template: the same face, mouth open. */
  function setUp(scope: EphemeralScope) {
    const closed = meanFace(478);
    const upper = faceRegions.upperInnerLip;
    const lower = faceRegions.lowerInnerLip;
    for (let k = 1; k < upper.length - 1; k++) {
      closed[lower[k]! * 3] = closed[upper[k]! * 3]!;
      closed[lower[k]! * 3 + 1] = closed[upper[k]! * 3 + 1]! + 0.2;
    }
    const pixels = new Uint8Array(side * side * 4);
    for (let i = 0; i < pixels.length; i += 4) pixels.set([40, 200, 40, 255], i);
    const photo = { width: side, height: side, pixels: scope.hold(pixels, { kind: 'pixels', label: 'photo' }) };
    const open = closed.slice();
    for (const i of [...lower.slice(1, -1), ...faceRegions.lowerOuterLip.slice(1, -1), 152]) open[i * 3 + 1] = open[i * 3 + 1]! + 30;
    const track: MeshTrack = { pointCount: 478, neutral: closed, frames: [closed, open] };
    // The template's frame: grey, its actor's open mouth a purple-blue with a lighter band on top.
    const templateFrame = new Uint8Array(side * side * 4);
    const mouth = [...polygon(open, upper), ...polygon(open, [...lower].reverse())];
    const top = open[13 * 3 + 1]!;
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        const colour = !inside(mouth, x + 0.5, y + 0.5) ? [128, 128, 128] : y + 0.5 < top + 8 ? [200, 200, 250] : [90, 20, 160];
        templateFrame.set([colour[0]!, colour[1]!, colour[2]!, 255], (y * side + x) * 4);
      }
    }
    return { photo, face: landmarksOf(closed), track, templateFrame, open };
  }

  it('fills the open mouth from the template frame, warped from its inner lips to the target’s', () => {
    const scope = new EphemeralScope({ label: 'recorded-mouth-test' });
    const { photo, face, track, templateFrame, open } = setUp(scope);
    const renderer = createMeshFaceRenderer({ photo, landmarks: face, scope, width: side, height: side, fps: 30, frameCount: 2, meshTrack: track, colourMatchStrength: 0 });
    const frame = templateFrame.slice();
    renderer.captureTemplate(frame, 1);
    // Something (the head layer) covers the template's face before the mesh face is drawn.
    for (let i = 0; i < frame.length; i += 4) frame.set([255, 0, 0, 255], i);
    renderer.draw(frame, 1, new Float32Array(10));
    // The target is the photo's face with the template's expression: here the template's own mesh.
    const x = Math.round(open[13 * 3]!);
    const at = (y: number) => {
      const o = (Math.floor(y) * side + x) * 4;
      return [frame[o]!, frame[o + 1]!, frame[o + 2]!];
    };
    const top = open[13 * 3 + 1]!;
    const bottom = open[14 * 3 + 1]!;
    expect(at(top + 3)).toEqual([200, 200, 250]);
    expect(at(top + 0.6 * (bottom - top))).toEqual([90, 20, 160]);
    // Outside the mouth, the photo's face.
    const o = (Math.round(open[1 * 3 + 1]!) * side + Math.round(open[1 * 3]!)) * 4;
    expect([frame[o], frame[o + 1], frame[o + 2]]).toEqual([40, 200, 40]);
    scope.purge();
  });

  it('without a capture of this frame the mouth is shaded, as on procedural templates', () => {
    const scope = new EphemeralScope({ label: 'recorded-mouth-test' });
    const { photo, face, track, templateFrame, open } = setUp(scope);
    const renderer = createMeshFaceRenderer({ photo, landmarks: face, scope, width: side, height: side, fps: 30, frameCount: 2, meshTrack: track, colourMatchStrength: 0 });
    const frame = templateFrame.slice();
    renderer.captureTemplate(frame, 0);
    renderer.draw(frame, 1, new Float32Array(10));
    const o = (Math.floor(open[13 * 3 + 1]! + 0.6 * (open[14 * 3 + 1]! - open[13 * 3 + 1]!)) * side + Math.round(open[13 * 3]!)) * 4;
    const pixel = [frame[o]!, frame[o + 1]!, frame[o + 2]!];
    expect(pixel).not.toEqual([90, 20, 160]);
    expect(pixel[0]!).toBeGreaterThan(pixel[2]!);
    scope.purge();
  });

  it('holds the captured mouth, gaze and lid numbers in the scope and wipes them (P1)', () => {
    const { held, wipers } = recordingWipers();
    const scope = new EphemeralScope({ label: 'p1', wipers });
    const { photo, face, track, templateFrame } = setUp(scope);
    const renderer = createMeshFaceRenderer({ photo, landmarks: face, scope, width: side, height: side, fps: 30, frameCount: 2, meshTrack: track });
    const frame = templateFrame.slice();
    for (const index of [0, 1]) {
      frame.set(templateFrame);
      renderer.captureTemplate(frame, index);
      renderer.draw(frame, index, new Float32Array(10));
    }
    const receipt = scope.purge();
    const labels = receipt.records.map((r) => r.label);
    for (const label of ['mesh.template-mouth', 'mesh.template-mouth-source', 'mesh.gaze', 'mesh.eye-lids', 'mesh.eye-shift']) {
      expect(labels).toContain(label);
    }
    const bytesOf = (view: ArrayBufferView) => new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    expect(held.length).toBeGreaterThan(20);
    expect(held.filter((view) => !isAllZero(bytesOf(view)))).toEqual([]);
  });

  it('captures into a buffer sized once for the largest mouth of the track, and only this frame’s', () => {
    const scope = new EphemeralScope({ label: 'recorded-mouth-size' });
    const { track, templateFrame } = setUp(scope);
    const mouth = new RecordedMouth(scope, track, side, side, faceTopology().vertexCount);
    const crop = mouth.crop;
    mouth.capture(templateFrame, 1);
    expect(mouth.at(1)).toBe(mouth);
    expect(mouth.at(0)).toBeUndefined();
    expect(mouth.crop).toBe(crop);
    // The purple interior is in it.
    expect(Array.from(crop).some((word) => word === (90 | (20 << 8) | (160 << 16)))).toBe(true);
    scope.purge();
    expect(isAllZero(new Uint8Array(crop.buffer))).toBe(true);
  });
});
