import { describe, expect, it } from 'vitest';
import { faceHullMask } from '../metrics/faceHullMask';
import { warpingError } from '../metrics/warpingError';
import { meshBackwardMotion } from '../meshMotion';

const width = 64;
const height = 48;

/** A smooth but busy texture, so that a misaligned warp differs clearly from the frame. */
function texture(dx: number, dy: number): Uint8Array {
  const frame = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const u = x - dx;
      const v = y - dy;
      const i = (y * width + x) * 4;
      frame[i] = 128 + 100 * Math.sin(u / 3);
      frame[i + 1] = 128 + 100 * Math.cos(v / 4);
      frame[i + 2] = 128 + 60 * Math.sin((u + v) / 5);
      frame[i + 3] = 255;
    }
  }
  return frame;
}

describe('warpingError', () => {
  const previous = texture(0, 0);
  const current = texture(2, 1);
  const region = new Uint8Array(width * height);
  for (let y = 10; y < 38; y++) region.fill(1, y * width + 10, y * width + 54);

  it('is near 0 when the known motion carries the previous frame onto the current one', () => {
    const error = warpingError(previous, current, region, width, height, (x, y, out) => {
      out[0] = x - 2;
      out[1] = y - 1;
      return true;
    });
    expect(error).toBeLessThan(0.6);
  });

  it('is large when the motion is wrong (the frames are compared unmoved)', () => {
    const error = warpingError(previous, current, region, width, height, (x, y, out) => {
      out[0] = x;
      out[1] = y;
      return true;
    });
    expect(error).toBeGreaterThan(20);
  });

  it('is NaN when no pixel of the region maps into the previous frame', () => {
    const error = warpingError(previous, current, region, width, height, (x, y, out) => {
      out[0] = x + 1000;
      out[1] = y;
      return true;
    });
    expect(error).toBeNaN();
  });
});

describe('faceHullMask', () => {
  it('fills the convex hull of the points', () => {
    // A 20 × 10 rectangle's corners plus an interior point: 200 pixel centres inside.
    const points = [5, 5, 0, 25, 5, 0, 25, 15, 0, 5, 15, 0, 15, 10, 0];
    const mask = faceHullMask(points, width, height);
    expect(mask.reduce((sum, v) => sum + v, 0)).toBe(200);
    expect(mask[10 * width + 15]).toBe(1);
    expect(mask[10 * width + 30]).toBe(0);
  });
});

describe('meshBackwardMotion', () => {
  // Two triangles making a square, and the same square moved and squashed in the previous frame.
  const triangles = [0, 1, 2, 0, 2, 3];
  const current = Float32Array.of(10, 10, 0, 40, 10, 0, 40, 30, 0, 10, 30, 0);
  const previous = Float32Array.of(12, 11, 0, 32, 11, 0, 32, 21, 0, 12, 21, 0);

  it('carries each pixel back through its triangle’s affine map', () => {
    const motion = meshBackwardMotion(current, previous, triangles, width, height);
    const out = new Float64Array(2);
    // (25, 20) is halfway across and down: halfway in the previous square too.
    expect(motion(25, 20, out)).toBe(true);
    expect(out[0]).toBeCloseTo(22, 9);
    expect(out[1]).toBeCloseTo(16, 9);
    expect(motion(10, 10, out)).toBe(true);
    expect(out[0]).toBeCloseTo(12, 9);
    expect(out[1]).toBeCloseTo(11, 9);
  });

  it('gives no motion outside the mesh', () => {
    const motion = meshBackwardMotion(current, previous, triangles, width, height);
    expect(motion(5, 5, new Float64Array(2))).toBe(false);
    expect(motion(50, 20, new Float64Array(2))).toBe(false);
  });
});
