import { describe, expect, it } from 'vitest';
import type { FaceLandmarks } from '../detect/faceLandmarks';
import { canonicalDenseFace } from '../geometry/canonicalDenseFace';
import { EphemeralScope } from '../purge/ephemeralScope';
import { faceRegions } from '../render/mesh/faceRegions';
import { createMeshCompositor } from '../render/mesh/meshCompositor';

/**
 * A shut mouth in the photo has no inside to sample, so when the target opens it the compositor
 * draws one: teeth under the upper lip, a dark cavity below. A flat green photo makes anything
 * sampled from the photo recognisable.
 */
const side = 400;
function closedMouthFace(): FaceLandmarks {
  const points = new Float32Array(468 * 3);
  for (let i = 0; i < 468; i++) {
    points[i * 3] = 50 + canonicalDenseFace[i * 2]! * 300;
    points[i * 3 + 1] = 50 + canonicalDenseFace[i * 2 + 1]! * 300;
  }
  // Shut the lips: each lower inner-lip point onto its upper partner.
  const upper = faceRegions.upperInnerLip;
  const lower = faceRegions.lowerInnerLip;
  for (let k = 1; k < upper.length - 1; k++) {
    points[lower[k]! * 3] = points[upper[k]! * 3]!;
    points[lower[k]! * 3 + 1] = points[upper[k]! * 3 + 1]! + 0.2;
  }
  return { imageWidth: side, imageHeight: side, pointCount: 468, points, box: Float32Array.of(50, 50, 350, 350), score: Float32Array.of(1) };
}

describe('mouth interior', () => {
  it('is drawn, teeth over a dark cavity, where the target opens a mouth the photo has shut', () => {
    const scope = new EphemeralScope({ label: 'mouth-test' });
    const pixels = new Uint8Array(side * side * 4);
    for (let i = 0; i < pixels.length; i += 4) pixels.set([40, 200, 40, 255], i);
    const photo = { width: side, height: side, pixels: scope.hold(pixels, { kind: 'pixels', label: 'photo' }) };
    const face = closedMouthFace();
    const compositor = createMeshCompositor({ photo, landmarks: face, scope, frameWidth: side, frameHeight: side, colourMatchStrength: 0 });
    const target = face.points.slice();
    for (const i of [...faceRegions.lowerInnerLip.slice(1, -1), ...faceRegions.lowerOuterLip.slice(1, -1), 152]) {
      target[i * 3 + 1] = target[i * 3 + 1]! + 30;
    }
    const frame = new Uint8Array(side * side * 4);
    compositor.composite(frame, target);
    // Down the middle of the mouth, from the upper inner lip (13) to the lower (14).
    const x = Math.round(target[13 * 3]!);
    const top = target[13 * 3 + 1]!;
    const bottom = target[14 * 3 + 1]!;
    const at = (fraction: number) => {
      const o = (Math.floor(top + fraction * (bottom - top)) * side + x) * 4;
      return [frame[o]!, frame[o + 1]!, frame[o + 2]!];
    };
    const teeth = at(0.2);
    const cavity = at(0.6);
    // Teeth: light and near grey; cavity: dark and reddish; neither the photo's green.
    expect(Math.min(...teeth)).toBeGreaterThan(120);
    expect(Math.max(...teeth) - Math.min(...teeth)).toBeLessThan(40);
    expect(cavity[0]!).toBeGreaterThan(cavity[1]!);
    expect(Math.max(...cavity)).toBeLessThan(120);
    // Away from the mouth the face is the photo's.
    const o = (Math.round(target[1 * 3 + 1]!) * side + Math.round(target[1 * 3]!)) * 4;
    expect([frame[o], frame[o + 1], frame[o + 2]]).toEqual([40, 200, 40]);
    scope.purge();
  });
});
