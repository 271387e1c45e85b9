import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaceLandmarks } from '../detect/faceLandmarks';
import type { RgbaImage } from '../ports/rgbaImage';
import { EphemeralScope } from '../purge/ephemeralScope';
import { expressionBasis } from '../render/mesh/expressionPresets';
import { EyeLids } from '../render/mesh/eyeLids';
import { createMeshCompositor } from '../render/mesh/meshCompositor';
import { detectMesh, eyeAspectRatio, frameImage, loadFaceWithMesh } from './meshTestKit';

/**
 * Shut lids as the face detector sees them, on a real photo whose squashed upper lids alone do
 * not read as closed (left without the lid cover, a full blink still measures about 0.52 of the
 * open eye aspect ratio): the lid skin and lash line make the eye read as shut.
 */
let scope: EphemeralScope;
let photo: RgbaImage;
let face: FaceLandmarks;

beforeAll(async () => {
  scope = new EphemeralScope({ label: 'lids-detected-test' });
  ({ photo, face } = await loadFaceWithMesh('three_people.jpg', scope));
}, 120_000);

afterAll(() => scope.purge());

async function eyeRatioAt(blink: number, cover: boolean): Promise<number> {
  const run = scope.child('blink');
  const compositor = createMeshCompositor({ photo, landmarks: face, scope: run, frameWidth: photo.width, frameHeight: photo.height, colourMatchStrength: 0 });
  const basis = run.hold(expressionBasis(face.points).blink, { kind: 'landmarks', label: 'test.blink' }).value;
  const target = run.hold(face.points.slice(0, 468 * 3), { kind: 'landmarks', label: 'test.target' }).value;
  for (let k = 0; k < target.length; k++) target[k] = target[k]! + blink * basis[k]!;
  const frame = run.hold(photo.pixels.value.slice(), { kind: 'frame', label: 'test.frame' }).value;
  const original = EyeLids.prototype.cover;
  if (!cover) EyeLids.prototype.cover = () => undefined;
  try {
    compositor.composite(frame, target);
  } finally {
    EyeLids.prototype.cover = original;
  }
  const found = await detectMesh(frameImage(frame, photo.width, photo.height, run), run);
  expect(found).toBeDefined();
  const ratio = eyeAspectRatio(found!.points);
  run.purge();
  return ratio;
}

describe('closed lids, re-detected', () => {
  it('a shut blink reads as shut: the eye aspect ratio falls under 0.42 of the open one, and lower than without the lid cover', async () => {
    const open = await eyeRatioAt(0, true);
    const shut = await eyeRatioAt(1, true);
    const uncovered = await eyeRatioAt(1, false);
    expect(shut).toBeLessThan(0.42 * open);
    expect(shut).toBeLessThan(uncovered - 0.02);
    // Most of the way shut, too: 0.8 of a blink already reads as nearly closed.
    expect(await eyeRatioAt(0.8, true)).toBeLessThan(0.45 * open);
  }, 180_000);
});
