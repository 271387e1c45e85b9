import { describe, expect, it } from 'vitest';
import { withForeheadDome } from '../render/compositing/foreheadDome';
import { meshIndices } from '../align/meshIndices';

/** A 468-point "mesh": points on a vertical segment from chin (y = 200) to forehead (y = 100), rolled by `angle`. */
function segmentMesh(angle: number): Float32Array {
  const points = new Float32Array(468 * 3);
  const place = (i: number, t: number) => {
    // t = 0 at the chin, 1 at the forehead; rotate about the chin.
    const dx = 0;
    const dy = -100 * t;
    points[i * 3] = 300 + dx * Math.cos(angle) - dy * Math.sin(angle);
    points[i * 3 + 1] = 200 + dx * Math.sin(angle) + dy * Math.cos(angle);
  };
  for (let i = 0; i < 468; i++) place(i, (i % 100) / 100);
  place(meshIndices.chin, 0);
  place(meshIndices.forehead, 1);
  return points;
}

describe('forehead dome', () => {
  it.each([0, 0.4, -1.2, Math.PI])('lifts the top fifth of a real mesh by 20 % of its height along the face (roll %f)', (angle) => {
    const mesh = segmentMesh(angle);
    const { points, pointCount } = withForeheadDome(mesh, 468);
    expect(pointCount).toBeGreaterThan(468);
    expect(points.subarray(0, 468 * 3)).toEqual(mesh);
    const chin = [mesh[meshIndices.chin * 3]!, mesh[meshIndices.chin * 3 + 1]!];
    const up = [mesh[meshIndices.forehead * 3]! - chin[0]!, mesh[meshIndices.forehead * 3 + 1]! - chin[1]!];
    let highest = 0;
    for (let i = 468; i < pointCount; i++) {
      const along = ((points[i * 3]! - chin[0]!) * up[0]! + (points[i * 3 + 1]! - chin[1]!) * up[1]!) / (up[0]! ** 2 + up[1]! ** 2);
      expect(along).toBeGreaterThanOrEqual(0.8 + 0.2 - 1e-4);
      highest = Math.max(highest, along);
    }
    expect(highest).toBeCloseTo(1.2, 4);
  });

  it('leaves other point sets (fewer than 468 points) as they are', () => {
    const small = new Float32Array(30).fill(1);
    expect(withForeheadDome(small, 10).points).toBe(small);
  });
});
