import { describe, expect, it } from 'vitest';
import { eyeAspectRatio, interOcularDistance, mouthOpening } from '../metrics/faceMeasures';
import { normalisedMeanError } from '../metrics/placementError';

/** A 468-point mesh with every point at the origin except the ones given. */
function meshWith(points: Record<number, [number, number]>): Float32Array {
  const mesh = new Float32Array(468 * 3);
  for (const [index, [x, y]] of Object.entries(points)) {
    mesh[Number(index) * 3] = x;
    mesh[Number(index) * 3 + 1] = y;
  }
  return mesh;
}

// Eye corners 100 px apart, lips 20 px apart; the image-left eye 30 px wide with lids 10 px
// apart, the other 30 px wide with lids 6 px apart.
const mesh = meshWith({
  33: [0, 0], 133: [30, 0], 160: [10, -5], 144: [10, 5], 158: [20, -5], 153: [20, 5],
  362: [70, 0], 263: [100, 0], 385: [80, -3], 380: [80, 3], 387: [90, -3], 373: [90, 3],
  13: [50, 50], 14: [50, 70],
});

describe('face measures', () => {
  it('measure the inter-ocular distance between the outer eye corners', () => {
    expect(interOcularDistance(mesh)).toBeCloseTo(100, 5);
  });
  it('give the mouth opening in inter-ocular distances', () => {
    expect(mouthOpening(mesh)).toBeCloseTo(0.2, 6);
  });
  it('average the two eyes’ aspect ratios', () => {
    // (10 + 10) / (2 × 30) and (6 + 6) / (2 × 30).
    expect(eyeAspectRatio(mesh)).toBeCloseTo((1 / 3 + 0.2) / 2, 6);
  });
  it('read x, y meshes with stride 2 the same way', () => {
    const flat = new Float32Array(468 * 2);
    for (let i = 0; i < 468; i++) {
      flat[i * 2] = mesh[i * 3]!;
      flat[i * 2 + 1] = mesh[i * 3 + 1]!;
    }
    expect(eyeAspectRatio(flat, 2)).toBeCloseTo(eyeAspectRatio(mesh), 6);
  });
});

describe('normalisedMeanError', () => {
  it('is the mean point distance over the target’s eye distance', () => {
    const moved = mesh.map((v, i) => (i % 3 === 0 ? v + 3 : i % 3 === 1 ? v + 4 : v));
    expect(normalisedMeanError(moved, mesh)).toBeCloseTo(5 / 100, 6);
    expect(normalisedMeanError(mesh, mesh)).toBe(0);
  });
  it('refuses a mesh with too few points', () => {
    expect(() => normalisedMeanError(new Float32Array(30), mesh)).toThrow(/468 points/);
  });
});
