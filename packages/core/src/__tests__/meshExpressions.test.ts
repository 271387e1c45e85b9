import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fivePointsFromMesh } from '../align/fivePoints';
import type { FaceLandmarks } from '../detect/faceLandmarks';
import type { RgbaImage } from '../ports/rgbaImage';
import { EphemeralScope } from '../purge/ephemeralScope';
import { createMeshCompositor } from '../render/mesh/meshCompositor';
import { createMeshMotion } from '../render/mesh/meshMotion';
import { detectMesh, eyeAspectRatio, frameImage, loadFaceWithMesh, mouthOpening } from './meshTestKit';

/**
 * The motion preset, measured as a user would see it: render the photo's face onto itself with
 * the preset of a given frame, detect the face again on the output, and compare the eye aspect
 * ratio and mouth opening with the neutral frame's. (Real detector, real fixture.)
 */
let scope: EphemeralScope;
let photo: RgbaImage;
let face: FaceLandmarks;

beforeAll(async () => {
  scope = new EphemeralScope({ label: 'mesh-expressions-test' });
  ({ photo, face } = await loadFaceWithMesh('astronaut.png', scope));
}, 120_000);

afterAll(() => scope.purge());

/** The face re-detected after drawing the preset's frame `index` (30 fps) over the photo itself. */
async function renderAndDetect(index: number): Promise<Float32Array> {
  const run = scope.child(`frame-${index}`);
  const five = fivePointsFromMesh(face);
  const motion = createMeshMotion({ photoMesh: face.points, photoFivePoints: five, scope: run, fps: 30, frameCount: 300 });
  const compositor = createMeshCompositor({ photo, landmarks: face, scope: run, frameWidth: photo.width, frameHeight: photo.height, colourMatchStrength: 0 });
  const target = new Float32Array(468 * 3);
  motion.targetAt(index, five, target);
  const frame = photo.pixels.value.slice();
  compositor.composite(frame, target);
  const found = await detectMesh(frameImage(frame, photo.width, photo.height, run), run);
  expect(found).toBeDefined();
  const points = found!.points.slice();
  frame.fill(0);
  run.purge();
  return points;
}

describe('motion preset on a real face, re-detected', () => {
  it('frame 0 keeps the face as it is (the detector finds the same eyes and mouth)', async () => {
    const rest = await renderAndDetect(0);
    expect(eyeAspectRatio(rest)).toBeCloseTo(eyeAspectRatio(face.points), 1);
    expect(Math.abs(mouthOpening(rest) - mouthOpening(face.points))).toBeLessThan(0.03);
  }, 60_000);

  it('a blink (1.0 s) closes the eyes: the eye aspect ratio falls to under half', async () => {
    const rest = await renderAndDetect(0);
    const blink = await renderAndDetect(30);
    expect(eyeAspectRatio(blink)).toBeLessThan(0.5 * eyeAspectRatio(rest));
  }, 60_000);

  it('talking (0.3 s) opens the mouth; smiling (2.0 s) widens it', async () => {
    const rest = await renderAndDetect(0);
    const talk = await renderAndDetect(9);
    const smile = await renderAndDetect(60);
    expect(mouthOpening(talk)).toBeGreaterThan(mouthOpening(rest) + 0.1);
    const width = (p: Float32Array) => Math.hypot(p[61 * 3]! - p[291 * 3]!, p[61 * 3 + 1]! - p[291 * 3 + 1]!) / Math.hypot(p[33 * 3]! - p[263 * 3]!, p[33 * 3 + 1]! - p[263 * 3 + 1]!);
    expect(width(smile)).toBeGreaterThan(width(rest) * 1.05);
  }, 90_000);
});
