import { afterAll, describe, expect, it } from 'vitest';
import type { FaceLandmarks } from '../detect/faceLandmarks';
import { canonicalDenseFace } from '../geometry/canonicalDenseFace';
import type { RgbaImage } from '../ports/rgbaImage';
import { EphemeralScope } from '../purge/ephemeralScope';
import { faceRegions } from '../render/mesh/faceRegions';
import { createMeshCompositor } from '../render/mesh/meshCompositor';
import { placeOuterRing } from '../render/mesh/outerRing';
import type { RenderQuality } from '../render/mesh/renderQuality';
import { faceTopology } from '../render/mesh/faceTopology';
import { disjointSpans, innerPull } from '../render/mesh/seamBand';
import { SeamBlender } from '../render/mesh/seamBlender';
import { ReferenceSeamBlender } from './seamReference';

/*
 * The seam of the mesh compositor per quality, on a synthetic face with a deliberate colour
 * mismatch: warm, lightly textured skin (the photo's colour everywhere, ring included) drawn over
 * a cold blue template, colour matching off, so that only the blend decides how the two meet.
 */

const photoSide = 1024;
const cropSide = 560;
const width = 720;
const height = 1280;
const skin = [200, 150, 120] as const;
const backdrop = [40, 90, 200] as const;

const scope = new EphemeralScope({ label: 'mesh-seam-test' });
afterAll(() => scope.purge());

function syntheticFace(): { photo: RgbaImage; landmarks: FaceLandmarks } {
  const origin = (photoSide - cropSide) / 2;
  const points = new Float32Array(468 * 3);
  for (let i = 0; i < 468; i++) {
    const u = canonicalDenseFace[i * 2]!;
    const v = canonicalDenseFace[i * 2 + 1]!;
    points[i * 3] = origin + u * cropSide;
    points[i * 3 + 1] = origin + v * cropSide;
    points[i * 3 + 2] = -0.25 * cropSide * Math.max(0, 1 - ((u - 0.5) / 0.4) ** 2 - ((v - 0.55) / 0.45) ** 2);
  }
  const pixels = new Uint8Array(photoSide * photoSide * 4);
  for (let y = 0; y < photoSide; y++) {
    for (let x = 0; x < photoSide; x++) {
      const o = (y * photoSide + x) * 4;
      const grain = ((x * 7 + y * 13) % 17) - 8;
      pixels.set([skin[0] + grain, skin[1] + grain, skin[2] + grain, 255], o);
    }
  }
  const photo = { width: photoSide, height: photoSide, pixels: scope.hold(pixels, { kind: 'pixels', label: 'seam.photo' }) };
  const landmarks: FaceLandmarks = {
    imageWidth: photoSide,
    imageHeight: photoSide,
    pointCount: 468,
    points,
    box: Float32Array.of(origin, origin, origin + cropSide, origin + cropSide),
    score: Float32Array.of(1),
  };
  return { photo, landmarks };
}

const { photo, landmarks } = syntheticFace();

/** The photo's mesh placed as a ~600 px face in the frame, shifted by (dx, dy). */
function targetMesh(dx = 0, dy = 0): Float32Array {
  const scale = 600 / (0.8 * cropSide);
  const target = new Float32Array(468 * 3);
  for (let i = 0; i < 468; i++) {
    target[i * 3] = (landmarks.points[i * 3]! - photoSide / 2) * scale + width / 2 + dx;
    target[i * 3 + 1] = (landmarks.points[i * 3 + 1]! - photoSide / 2) * scale + height / 2 + dy;
    target[i * 3 + 2] = landmarks.points[i * 3 + 2]! * scale;
  }
  return target;
}

function backdropFrame(): Uint8Array {
  const frame = new Uint8Array(width * height * 4);
  for (let i = 0; i < frame.length; i += 4) frame.set([...backdrop, 255], i);
  return frame;
}

function render(quality: RenderQuality, target = targetMesh()): Uint8Array {
  using compositor = createMeshCompositor({ photo, landmarks, scope, frameWidth: width, frameHeight: height, quality, colourMatchStrength: 0 });
  const frame = backdropFrame();
  compositor.composite(frame, target);
  return frame;
}

/** The outline's centre and, per outline point, its outline and ring positions in the frame. */
function geometry(target: Float32Array): { cx: number; cy: number; outline: number[][]; ring: number[][] } {
  const vertices = new Float32Array((468 + 36) * 3);
  vertices.set(target.subarray(0, 468 * 3));
  placeOuterRing(vertices, 3);
  const oval = faceRegions.oval;
  let cx = 0;
  let cy = 0;
  for (const i of oval) {
    cx += vertices[i * 3]! / oval.length;
    cy += vertices[i * 3 + 1]! / oval.length;
  }
  const outline = oval.map((i) => [vertices[i * 3]!, vertices[i * 3 + 1]!]);
  const ring = oval.map((_, k) => [vertices[(468 + k) * 3]!, vertices[(468 + k) * 3 + 1]!]);
  return { cx, cy, outline, ring };
}

/** A test for "inside the polygon scaled by `scale` about (cx, cy)". */
function insideTest(polygon: number[][], cx: number, cy: number, scale: number): (x: number, y: number) => boolean {
  const scaled = polygon.map(([x, y]) => [cx + (x! - cx) * scale, cy + (y! - cy) * scale] as const);
  return (x, y) => {
    let odd = false;
    for (let k = 0; k < scaled.length; k++) {
      const [x0, y0] = scaled[k]!;
      const [x1, y1] = scaled[(k + 1) % scaled.length]!;
      if (y < y0 !== y < y1 && x < x0 + ((y - y0) * (x1 - x0)) / (y1 - y0)) odd = !odd;
    }
    return odd;
  };
}

const colourAt = (frame: Uint8Array, x: number, y: number): number[] => {
  const o = (Math.floor(y) * width + Math.floor(x)) * 4;
  return [frame[o]!, frame[o + 1]!, frame[o + 2]!];
};
const distance = (a: number[], b: number[]) => Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!);

/**
 * Two measures of how the face meets the template, along the 36 rays from the outline's centre
 * through each ring point, means over the rays:
 * - `edge`: the colour step at the edge of what the face changed, between the 3 px just inside
 *   it and the 3 px just outside (the quality report's seam step, in RGB);
 * - `steepest`: the largest colour change over 3 px anywhere from 60 % of the way to the outline
 *   out past the ring, the profile first smoothed over 5 px so that the skin's grain does not
 *   count.
 */
function seamSteps(frame: Uint8Array, target: Float32Array): { edge: number; steepest: number } {
  const { cx, cy, outline, ring } = geometry(target);
  let edge = 0;
  let steepest = 0;
  for (let k = 0; k < ring.length; k++) {
    const [ox, oy] = outline[k]!;
    const [rx, ry] = ring[k]!;
    const length = Math.hypot(rx! - cx, ry! - cy);
    const at = (t: number) => colourAt(frame, cx + ((rx! - cx) * t) / length, cy + ((ry! - cy) * t) / length);
    const start = 0.6 * Math.hypot(ox! - cx, oy! - cy);
    const profile: number[][] = [];
    for (let t = start; t < length + 12; t++) profile.push(at(t));
    let last = 0;
    profile.forEach((c, i) => {
      if (distance(c, [...backdrop]) > 3) last = i;
    });
    const mean = (from: number, to: number) =>
      [0, 1, 2].map((c) => profile.slice(from, to).reduce((sum, p) => sum + p[c]!, 0) / (to - from));
    edge += distance(mean(last - 2, last + 1), mean(last + 1, last + 4)) / ring.length;
    const smooth = profile.map((_, i) => mean(Math.max(0, i - 2), Math.min(profile.length, i + 3)));
    let most = 0;
    for (let i = 0; i + 3 < smooth.length; i++) most = Math.max(most, distance(smooth[i]!, smooth[i + 3]!));
    steepest += most / ring.length;
  }
  return { edge, steepest };
}

describe('mesh compositor seam', () => {
  const target = targetMesh();
  const frames = { draft: render('draft'), standard: render('standard'), high: render('high') };

  it.each(['standard', 'high'] as const)('%s differs from draft only in the band along the ring', (quality) => {
    const { cx, cy, outline, ring } = geometry(target);
    const draft = frames.draft;
    const frame = frames[quality];
    // Far inside the face: inside the band's inner ring, with a margin; far outside: past the ring.
    const farInside = insideTest(outline, cx, cy, 1 - innerPull - 0.03);
    const withinRing = insideTest(ring, cx, cy, 1.03);
    let insideChecked = 0;
    let outsideChecked = 0;
    let changedInside = 0;
    let changedOutside = 0;
    let changedInBand = 0;
    for (let y = 0; y < height; y += 2) {
      for (let x = 0; x < width; x += 2) {
        const o = (y * width + x) * 4;
        const changed = frame[o] !== draft[o] || frame[o + 1] !== draft[o + 1] || frame[o + 2] !== draft[o + 2];
        if (farInside(x + 0.5, y + 0.5)) {
          insideChecked++;
          if (changed) changedInside++;
        } else if (!withinRing(x + 0.5, y + 0.5)) {
          outsideChecked++;
          if (changed) changedOutside++;
        } else if (changed) {
          changedInBand++;
        }
      }
    }
    expect(insideChecked).toBeGreaterThan(20_000);
    expect(outsideChecked).toBeGreaterThan(100_000);
    expect(changedInside).toBe(0);
    expect(changedOutside).toBe(0);
    // The seam itself changed: most of the band's (sampled) ~45 000 pixels.
    expect(changedInBand).toBeGreaterThan(15_000);
  });

  it('standard and high meet a mismatched template with a smaller colour step than draft', () => {
    const draft = seamSteps(frames.draft, target);
    const standard = seamSteps(frames.standard, target);
    const high = seamSteps(frames.high, target);
    // Draft fades the whole difference across the ring: a clear step at the ring's edge.
    expect(draft.edge).toBeGreaterThan(6);
    // Measured: draft 9.1 / 15.2, standard 3.8 / 11.5, high 3.7 / 12.4 (edge / steepest).
    expect(standard.edge).toBeLessThan(0.6 * draft.edge);
    expect(high.edge).toBeLessThan(0.6 * draft.edge);
    expect(standard.steepest).toBeLessThan(0.85 * draft.steepest);
    expect(high.steepest).toBeLessThan(0.9 * draft.steepest);
  });

  it.each(['standard', 'high'] as const)('%s allocates no buffer per frame and holds a constant set of handles', (quality) => {
    const child = scope.child(`seam-alloc-${quality}`);
    const compositor = createMeshCompositor({ photo, landmarks, scope: child, frameWidth: width, frameHeight: height, quality, colourMatchStrength: 0 });
    const frame = backdropFrame();
    compositor.composite(frame, target);
    const handles = child.liveHandles;
    const targets = [1, 2, 3, 4, 5].map((i) => targetMesh(3 * i, -2 * i));
    // Count every typed array and ArrayBuffer constructed while frames are drawn.
    const names = ['ArrayBuffer', 'Uint8Array', 'Int32Array', 'Uint16Array', 'Float32Array', 'Float64Array'] as const;
    const originals = names.map((name) => globalThis[name]);
    let constructed = 0;
    names.forEach((name, i) => {
      const original = originals[i]!;
      (globalThis as Record<string, unknown>)[name] = new Proxy(original, {
        construct(constructor, args, newTarget) {
          constructed++;
          return Reflect.construct(constructor, args, newTarget === globalThis[name] ? constructor : newTarget) as object;
        },
      });
    });
    try {
      for (const moved of targets) compositor.composite(frame, moved);
    } finally {
      names.forEach((name, i) => ((globalThis as Record<string, unknown>)[name] = originals[i]));
    }
    expect(constructed).toBe(0);
    expect(child.liveHandles).toBe(handles);
    child.purge();
  });

  it.each(['standard', 'high'] as const)('%s holds its seam buffers in the scope and wipes them', (quality) => {
    const child = scope.child(`seam-p1-${quality}`);
    const compositor = createMeshCompositor({ photo, landmarks, scope: child, frameWidth: width, frameHeight: height, quality, colourMatchStrength: 0 });
    compositor.composite(backdropFrame(), target);
    const receipt = child.purge();
    const seam = receipt.records.filter((record) => record.label.startsWith('mesh.seam.'));
    expect(seam.map((record) => record.label).sort()).toEqual(
      [
        'mesh.seam.background', 'mesh.seam.crossings', 'mesh.seam.extent', 'mesh.seam.free-cells', 'mesh.seam.grid',
        'mesh.seam.inside', 'mesh.seam.planes', 'mesh.seam.row-spans', 'mesh.seam.rows', 'mesh.seam.spans',
        'mesh.seam.vertices',
      ].sort(),
    );
    expect(seam.find((record) => record.label === 'mesh.seam.background')?.kind).toBe('frame');
    expect(seam.find((record) => record.label === 'mesh.seam.grid')?.kind).toBe('aligned-face');
    for (const record of seam) {
      expect(record.outcome, record.label).toBe('wiped');
      expect(record.verified, record.label).toBe(true);
    }
  });

  it('draft holds no seam buffers', () => {
    const child = scope.child('seam-draft');
    const compositor = createMeshCompositor({ photo, landmarks, scope: child, frameWidth: width, frameHeight: height, quality: 'draft' });
    compositor.composite(backdropFrame(), target);
    expect(child.purge().records.some((record) => record.label.startsWith('mesh.seam.'))).toBe(false);
  });

  it.each(['standard', 'high'] as const)('%s blends a face cut by the frame edge without touching pixels outside the ring', (quality) => {
    // Half the face past the left edge and the chin past the bottom.
    const shifted = targetMesh(-width / 2, height / 2 - 150);
    const draft = render('draft', shifted);
    const frame = render(quality, shifted);
    const { cx, cy, ring } = geometry(shifted);
    const withinRing = insideTest(ring, cx, cy, 1.03);
    let changedOutside = 0;
    let changedInside = 0;
    for (let y = 0; y < height; y += 3) {
      for (let x = 0; x < width; x += 3) {
        const o = (y * width + x) * 4;
        const changed = frame[o] !== draft[o] || frame[o + 1] !== draft[o + 1] || frame[o + 2] !== draft[o + 2];
        if (!withinRing(x + 0.5, y + 0.5)) changedOutside += changed ? 1 : 0;
        else changedInside += changed ? 1 : 0;
      }
    }
    expect(changedOutside).toBe(0);
    expect(changedInside).toBeGreaterThan(1000);
  });

  it.each([
    ['standard', 'laplacian'],
    ['high', 'poisson'],
  ] as const)('%s gives the output of the reference seam pass (50c6a02) within 2 levels', (quality, mode) => {
    // A textured backdrop (a gradient with grain), so that the background under the band counts,
    // and the face off centre by a few pixels, off the 8 px grid.
    const frame = new Uint8Array(width * height * 4);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const grain = ((x * 5 + y * 11) % 13) - 6;
        const o = (y * width + x) * 4;
        frame.set([30 + Math.round((x * 60) / width) + grain, 80 + Math.round((y * 50) / height) - grain, 200 - Math.round((x * 40) / width) + grain, 255], o);
      }
    }
    const shifted = targetMesh(13, -7);
    // The seam pass's inputs as the compositor hands them over: the frame before the face is
    // drawn (with the placed vertices and the box), and after.
    const proto = SeamBlender.prototype;
    const { saveBackground, blend } = proto;
    let before = new Int32Array(0);
    let drawn = new Int32Array(0);
    let vertices = new Float32Array(0);
    let box = new Int32Array(0);
    proto.saveBackground = function (this: SeamBlender, f: Int32Array, v: Float32Array, b: Int32Array) {
      before = f.slice();
      vertices = v.slice();
      box = b.slice();
      saveBackground.call(this, f, v, b);
    };
    proto.blend = function (this: SeamBlender, f: Int32Array) {
      drawn = f.slice();
      blend.call(this, f);
    };
    try {
      using compositor = createMeshCompositor({ photo, landmarks, scope, frameWidth: width, frameHeight: height, quality, colourMatchStrength: 0 });
      compositor.composite(frame, shifted);
    } finally {
      proto.saveBackground = saveBackground;
      proto.blend = blend;
    }
    const child = scope.child(`seam-reference-${quality}`);
    const reference = new ReferenceSeamBlender(child, mode, width, height, faceTopology());
    reference.saveBackground(before, vertices, box);
    const expected = drawn.slice();
    reference.blend(expected);
    child.purge();
    let changed = 0;
    let differing = 0;
    let worst = 0;
    const words = new Int32Array(frame.buffer);
    for (let i = 0; i < expected.length; i++) {
      const a = expected[i]!;
      const b = words[i]!;
      if (a !== drawn[i]) changed++;
      if (a === b) continue;
      differing++;
      for (let c = 0; c < 24; c += 8) worst = Math.max(worst, Math.abs(((a >> c) & 255) - ((b >> c) & 255)));
    }
    // The seam rewrote most of its ~190 000 band pixels; the two passes agree on all of them
    // within 2 levels per channel, and on nearly all exactly.
    expect(changed).toBeGreaterThan(100_000);
    expect(worst).toBeLessThanOrEqual(2);
    expect(differing).toBeLessThan(changed * 0.05);
  });

  it('makes overlapping band spans disjoint without changing their union', () => {
    // Rows 10 and 11, spans (y, first, last, triangle) overlapping and out of order.
    const raw = Int32Array.of(11, 5, 9, 0, 10, 20, 30, 1, 10, 0, 12, 2, 10, 8, 25, 3, 11, 6, 7, 4, 10, 40, 41, 5);
    const out = new Int32Array(raw.length);
    const kept = disjointSpans(raw, 6, out, new Int32Array(4), 10, 11);
    const spans = Array.from({ length: kept }, (_, i) => Array.from(out.subarray(i * 4, i * 4 + 4)));
    // Each span keeps its triangle; a span inside an earlier one is dropped.
    expect(spans).toEqual([
      [10, 0, 12, 2],
      [10, 13, 25, 3],
      [10, 26, 30, 1],
      [10, 40, 41, 5],
      [11, 5, 9, 0],
    ]);
  });

  it.each(['standard', 'high'] as const)('%s blends a head turned far to one side (folded ring) once per pixel', (quality) => {
    // Yaw by 0.7 rad about the face's vertical axis: the far side's outline and ring fold over.
    const yawed = targetMesh();
    const centre = width / 2;
    for (let i = 0; i < 468; i++) {
      const x = yawed[i * 3]! - centre;
      const z = yawed[i * 3 + 2]!;
      yawed[i * 3] = centre + x * Math.cos(0.7) + z * Math.sin(0.7);
      yawed[i * 3 + 2] = z * Math.cos(0.7) - x * Math.sin(0.7);
    }
    const draft = render('draft', yawed);
    const frame = render(quality, yawed);
    const { cx, cy, ring } = geometry(yawed);
    const withinRing = insideTest(ring, cx, cy, 1.03);
    let changedOutside = 0;
    let outOfRange = 0;
    for (let y = 0; y < height; y += 2) {
      for (let x = 0; x < width; x += 2) {
        const o = (y * width + x) * 4;
        if (!withinRing(x + 0.5, y + 0.5)) {
          if (frame[o] !== draft[o] || frame[o + 1] !== draft[o + 1] || frame[o + 2] !== draft[o + 2]) changedOutside++;
          continue;
        }
        // Every blend of this skin and this backdrop stays between them, give or take the skin's
        // grain (±8, which 'high' carries onto the backdrop's colour at the seam); a pixel
        // corrected twice would overshoot by the whole difference (~160).
        const grain = 10;
        if (
          frame[o]! < backdrop[0] - grain ||
          frame[o]! > skin[0] + grain ||
          frame[o + 2]! < skin[2] - grain ||
          frame[o + 2]! > backdrop[2] + grain
        ) {
          outOfRange++;
        }
      }
    }
    expect(changedOutside).toBe(0);
    expect(outOfRange).toBe(0);
  });
});
