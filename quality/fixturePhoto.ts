import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EphemeralScope, FaceLandmarks, RgbaImage } from '@vopop/core';
import { selectFace } from '@vopop/core';
import type { NodePlatform } from '@vopop/node-adapter';
import { facesDir } from '../fixtures/faces/facesDir';

/** A fixture photo, decoded, with its face. */
export interface FixturePhoto {
  /** File name in fixtures/faces. */
  readonly name: string;
  readonly image: RgbaImage;
  /** The largest face in the photo. */
  readonly landmarks: FaceLandmarks;
}

/**
 * Decode a fixture photo and find its largest face with the platform's own decoder and
 * detector: the same steps `generateVideo` takes, so the renderers see what a user's job gives
 * them. Everything is held in `scope`.
 */
export async function loadFixturePhoto(name: string, platform: NodePlatform, scope: EphemeralScope): Promise<FixturePhoto> {
  const bytes = new Uint8Array(readFileSync(join(facesDir, name)));
  const image = await platform.decoder.decode(bytes, scope);
  const faces = await platform.detector.detect(image, scope);
  const face = selectFace(faces, { multiple: 'largest' });
  return { name, image, landmarks: face.value };
}

/**
 * Detect the largest face in one decoded video frame, or undefined when there is none. The
 * frame is copied first: the video decoder reuses its buffer, and the scope that holds the copy
 * wipes it afterwards.
 */
export async function detectInFrame(
  rgba: Uint8Array,
  width: number,
  height: number,
  platform: NodePlatform,
  scope: EphemeralScope,
): Promise<Float32Array | undefined> {
  const frameScope = scope.child('quality.frame');
  try {
    const pixels = frameScope.hold(rgba.slice(), { kind: 'frame', label: 'decoded' });
    const faces = await platform.detector.detect({ width, height, pixels }, frameScope);
    return faces.length > 0 ? selectFace(faces, { multiple: 'largest' }).value.points.slice() : undefined;
  } finally {
    frameScope.purge();
  }
}
