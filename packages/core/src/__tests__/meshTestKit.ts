/**
 * Shared set-up for the mesh-renderer tests: a fixture photo decoded into a scope and its face
 * mesh found by the real detector (wasm backend, 478 points), plus a re-detector for output
 * frames, so that tests can measure what the renderer drew.
 */
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { createFaceDetector } from '../detect/createFaceDetector';
import type { FaceLandmarks } from '../detect/faceLandmarks';
import type { FaceDetector } from '../ports/faceDetector';
import type { RgbaImage } from '../ports/rgbaImage';
import type { EphemeralScope } from '../purge/ephemeralScope';
import { fileModelSource, loadFace, webSha256 } from './detectionTestKit';

let detector: Promise<FaceDetector> | undefined;

/** One detector per test file (the wasm backend is set up once). */
export function meshDetector(): Promise<FaceDetector> {
  detector ??= (async () => {
    await tf.setBackend('wasm');
    await tf.ready();
    return createFaceDetector({ tf, models: fileModelSource(), sha256: webSha256, landmarks: 478, maxFaces: 1 });
  })();
  return detector;
}

/** The largest face in an RGBA image, or undefined. */
export async function detectMesh(image: RgbaImage, scope: EphemeralScope): Promise<FaceLandmarks | undefined> {
  const found = await (await meshDetector()).detect(image, scope);
  return found[0]?.value;
}

/** A fixture photo and its face. */
export async function loadFaceWithMesh(name: string, scope: EphemeralScope): Promise<{ photo: RgbaImage; face: FaceLandmarks }> {
  const photo = await loadFace(name, scope);
  const face = await detectMesh(photo, scope);
  if (!face) throw new Error(`no face found in fixture ${name}`);
  return { photo, face };
}

/** An RGBA frame held in `scope`, for re-detection. */
export function frameImage(frame: Uint8Array, width: number, height: number, scope: EphemeralScope): RgbaImage {
  return { width, height, pixels: scope.hold(frame.slice(), { kind: 'frame', label: 'test.frame' }) };
}

/** Eye aspect ratio (both eyes, mean): lid gap over eye width, from a 468/478 mesh. */
export function eyeAspectRatio(points: Float32Array): number {
  const d = (a: number, b: number) => Math.hypot(points[a * 3]! - points[b * 3]!, points[a * 3 + 1]! - points[b * 3 + 1]!);
  const left = (d(160, 144) + d(158, 153) + d(159, 145)) / (3 * d(33, 133));
  const right = (d(387, 373) + d(385, 380) + d(386, 374)) / (3 * d(263, 362));
  return (left + right) / 2;
}

/** Mouth opening (inner lips 13–14) over the inter-ocular distance (33–263). */
export function mouthOpening(points: Float32Array): number {
  const d = (a: number, b: number) => Math.hypot(points[a * 3]! - points[b * 3]!, points[a * 3 + 1]! - points[b * 3 + 1]!);
  return d(13, 14) / d(33, 263);
}
