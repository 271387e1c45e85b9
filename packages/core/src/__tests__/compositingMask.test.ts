import { describe, expect, it } from 'vitest';
import { convexHull, polygonArea2, simplifyConvexPolygon } from '../render/compositing/convexHull';
import { faceOutline, faceRegion, rasteriseFaceMask } from '../render/compositing/faceMask';
import { InvalidArgumentError } from '../errors/invalidArgumentError';

/** A mesh-like point set: an ellipse outline plus interior points, as x, y, z triples. */
function ellipseMesh(cx: number, cy: number, rx: number, ry: number, rim = 72, interior = 40): Float32Array {
  const points = new Float32Array((rim + interior) * 3);
  for (let i = 0; i < rim; i++) {
    const t = (2 * Math.PI * i) / rim;
    points[3 * i] = cx + rx * Math.cos(t);
    points[3 * i + 1] = cy + ry * Math.sin(t);
  }
  for (let i = 0; i < interior; i++) {
    const t = (2 * Math.PI * i) / interior;
    const k = rim + i;
    points[3 * k] = cx + 0.5 * rx * Math.cos(3 * t);
    points[3 * k + 1] = cy + 0.4 * ry * Math.sin(2 * t);
    points[3 * k + 2] = 7;
  }
  return points;
}

function maskFor(points: Float32Array, featherFraction: number, width = 400, height = 400) {
  const outline = faceOutline(points, points.length / 3);
  const region = faceRegion(outline, width, height);
  const mask = rasteriseFaceMask(outline, region, featherFraction * region.faceSize);
  const at = (x: number, y: number) => mask[(y - region.y) * region.width + (x - region.x)]!;
  return { outline, region, mask, at };
}

describe('convexHull', () => {
  it('keeps only the corners of a square with points inside and on its edges', () => {
    const points = Float64Array.of(0, 0, 10, 0, 10, 10, 0, 10, 5, 5, 3, 7, 5, 0, 10, 4);
    const hull = convexHull(points, 2);
    const corners = new Set<string>();
    for (let i = 0; i < hull.length; i += 2) corners.add(`${hull[i]},${hull[i + 1]}`);
    expect(corners).toEqual(new Set(['0,0', '10,0', '10,10', '0,10']));
    expect(Math.abs(polygonArea2(hull))).toBe(200);
  });

  it('reads x, y from x, y, z triples and finds all rim points of an ellipse', () => {
    const hull = convexHull(ellipseMesh(100, 100, 50, 70), 3);
    expect(hull.length / 2).toBe(72);
  });
});

describe('simplifyConvexPolygon', () => {
  it('merges dense rim points while staying within the tolerance of every original vertex', () => {
    const dense = convexHull(ellipseMesh(300, 300, 200, 260, 468, 0), 3);
    const simple = simplifyConvexPolygon(dense, 0.25);
    const m = simple.length / 2;
    expect(m).toBeLessThan(dense.length / 2 / 4);
    expect(m).toBeGreaterThan(20);
    // Each original vertex lies within 0.25 px outside the simplified polygon's edge lines.
    for (let i = 0; i < dense.length; i += 2) {
      let worst = -Infinity;
      for (let k = 0; k < m; k++) {
        const [ax, ay] = [simple[2 * k]!, simple[2 * k + 1]!];
        const [bx, by] = [simple[(2 * k + 2) % simple.length]!, simple[(2 * k + 3) % simple.length]!];
        const cross = (bx - ax) * (dense[i + 1]! - ay) - (by - ay) * (dense[i]! - ax);
        const outside = cross / Math.hypot(bx - ax, by - ay);
        worst = Math.max(worst, polygonArea2(simple) > 0 ? -outside : outside);
      }
      expect(worst).toBeLessThanOrEqual(0.25 + 1e-9);
    }
  });
});

describe('face mask', () => {
  it('is 255 deep inside, 0 outside, and monotonic across the feather', () => {
    const cx = 200;
    const cy = 190;
    const { region, at } = maskFor(ellipseMesh(cx, cy, 80, 110), 0.1);
    const feather = 0.1 * region.faceSize;
    expect(feather).toBeCloseTo(22, 0);
    // Well inside the oval (more than the feather from every edge): solid.
    for (let y = cy - 60; y <= cy + 60; y += 10) expect(at(cx, y)).toBe(255);
    for (let x = cx - 40; x <= cx + 40; x += 10) expect(at(x, cy)).toBe(255);
    // Outside the oval but inside the region's box (its corners): nothing.
    expect(at(region.x + 2, region.y + 2)).toBe(0);
    expect(at(region.x + region.width - 2, region.y + region.height - 2)).toBe(0);
    expect(at(cx + 82, cy)).toBe(0);
    // Along the row through the centre, non-increasing outward on both sides, through a band
    // of partial values.
    let partial = 0;
    for (const direction of [1, -1]) {
      let previous = 255;
      for (let x = cx; x >= region.x && x < region.x + region.width; x += direction) {
        const value = at(x, cy);
        expect(value).toBeLessThanOrEqual(previous);
        if (value > 0 && value < 255) partial++;
        previous = value;
      }
      expect(previous).toBe(0);
    }
    expect(partial).toBeGreaterThan(20);
  });

  it('has a hard edge with no feather, and the edge follows the oval', () => {
    const { region, mask, at } = maskFor(ellipseMesh(150, 150, 60, 60), 0);
    expect(mask.every((v) => v === 0 || v === 255)).toBe(true);
    expect(at(150 + 57, 150)).toBe(255);
    expect(at(150 + 61, 150)).toBe(0);
    // Area close to the circle's (π r²) and to the 72-gon's a little less.
    const area = mask.reduce((sum, v) => sum + (v === 255 ? 1 : 0), 0);
    expect(area).toBeGreaterThan(Math.PI * 60 * 60 * 0.98);
    expect(area).toBeLessThan(Math.PI * 60 * 60 * 1.01);
    expect(region.faceSize).toBeCloseTo(120, 0);
  });

  it('clips the region to the photo for a face partly outside it', () => {
    const { region, at } = maskFor(ellipseMesh(10, 200, 60, 80), 0.05);
    expect(region.x).toBe(0);
    expect(at(0, 200)).toBe(255);
    expect(region.width).toBeLessThan(75);
  });

  it('rejects landmarks that cannot outline a face', () => {
    const collinear = new Float32Array(30);
    for (let i = 0; i < 10; i++) {
      collinear[3 * i] = i * 5;
      collinear[3 * i + 1] = i * 3;
    }
    expect(() => faceOutline(collinear, 10)).toThrow(InvalidArgumentError);
    expect(() => faceOutline(new Float32Array(0), 0)).toThrow(InvalidArgumentError);
    const withNaN = ellipseMesh(100, 100, 40, 40);
    withNaN[4] = Number.NaN;
    expect(() => faceOutline(withNaN, withNaN.length / 3)).toThrow(InvalidArgumentError);
    expect(() => faceOutline(ellipseMesh(100, 100, 40, 40), 500)).toThrow(InvalidArgumentError);
    const outline = faceOutline(ellipseMesh(-200, -200, 40, 40), 112);
    expect(() => faceRegion(outline, 300, 300)).toThrow(InvalidArgumentError);
  });
});
