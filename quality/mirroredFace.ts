import type { FixturePhoto } from './fixturePhoto';

/**
 * The photo mirrored left to right, with its face mesh mirrored to match: the same person seen
 * differently, the reference pair for the identity metric's "same person" score.
 */
export function mirroredFace(photo: FixturePhoto): { rgba: Uint8Array; points: Float32Array } {
  const { width, height } = photo.image;
  const source = photo.image.pixels.value;
  const rgba = new Uint8Array(source.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const from = (y * width + x) * 4;
      rgba.set(source.subarray(from, from + 4), (y * width + (width - 1 - x)) * 4);
    }
  }
  const points = photo.landmarks.points.slice();
  for (let i = 0; i < points.length; i += 3) points[i] = width - 1 - points[i]!;
  return { rgba, points };
}
