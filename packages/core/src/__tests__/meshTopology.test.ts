import { describe, expect, it } from 'vitest';
import { faceMeshTriangles } from '../render/mesh/faceMeshTriangles';
import { faceTopology, meshPointCount, ringPointCount, triangleKind } from '../render/mesh/faceTopology';

/** Boundary loops, Euler characteristic and manifold checks of a triangle list. */
function surface(triangles: Uint16Array) {
  const undirected = new Map<number, number>();
  const directed = new Map<number, number>();
  const vertices = new Set<number>();
  const key = (a: number, b: number) => a * 4096 + b;
  for (let i = 0; i < triangles.length; i += 3) {
    for (let k = 0; k < 3; k++) {
      const a = triangles[i + k]!;
      const b = triangles[i + ((k + 1) % 3)]!;
      vertices.add(a);
      directed.set(key(a, b), (directed.get(key(a, b)) ?? 0) + 1);
      const u = key(Math.min(a, b), Math.max(a, b));
      undirected.set(u, (undirected.get(u) ?? 0) + 1);
    }
  }
  const boundary = [...undirected].filter(([, n]) => n === 1).map(([k]) => [Math.floor(k / 4096), k % 4096] as const);
  const degree = new Map<number, number>();
  for (const [a, b] of boundary) {
    degree.set(a, (degree.get(a) ?? 0) + 1);
    degree.set(b, (degree.get(b) ?? 0) + 1);
  }
  // Loops: union-find over boundary edges.
  const parent = new Map<number, number>();
  const find = (x: number): number => {
    while (parent.get(x) !== undefined && parent.get(x) !== x) x = parent.get(x)!;
    return x;
  };
  for (const [a, b] of boundary) {
    if (!parent.has(a)) parent.set(a, a);
    if (!parent.has(b)) parent.set(b, b);
    parent.set(find(a), find(b));
  }
  const loops = new Map<number, number>();
  for (const v of degree.keys()) loops.set(find(v), (loops.get(find(v)) ?? 0) + 1);
  return {
    euler: vertices.size - undirected.size + triangles.length / 3,
    vertices: vertices.size,
    maxEdgeUse: Math.max(...undirected.values()),
    maxDirectedUse: Math.max(...directed.values()),
    boundaryDegrees: new Set(degree.values()),
    loopSizes: [...loops.values()].sort((a, b) => a - b),
  };
}

describe('canonical face-mesh triangulation', () => {
  it('has MediaPipe’s 852 triangles over exactly the 468 mesh points, with no duplicate', () => {
    expect(faceMeshTriangles.length).toBe(852 * 3);
    expect(Math.max(...faceMeshTriangles)).toBeLessThan(468);
    const seen = new Set<string>();
    for (let i = 0; i < faceMeshTriangles.length; i += 3) {
      const [a, b, c] = [...faceMeshTriangles.subarray(i, i + 3)].sort((x, y) => x - y);
      expect(a === b || b === c).toBe(false);
      seen.add(`${a},${b},${c}`);
    }
    expect(seen.size).toBe(852);
  });

  it('is an oriented manifold: a sphere with four holes (outline, two eyes, mouth)', () => {
    const s = surface(faceMeshTriangles);
    expect(s.vertices).toBe(468);
    expect(s.maxEdgeUse).toBe(2);
    expect(s.maxDirectedUse).toBe(1);
    expect(s.boundaryDegrees).toEqual(new Set([2]));
    expect(s.loopSizes).toEqual([16, 16, 20, 36]);
    expect(s.euler).toBe(2 - 4);
  });
});

describe('the renderer’s fixed topology', () => {
  const topology = faceTopology();

  it('fills the eyes and the mouth and adds the ring: one oriented manifold disk bounded by the ring', () => {
    const s = surface(topology.triangles);
    expect(topology.vertexCount).toBe(meshPointCount + ringPointCount);
    expect(s.vertices).toBe(topology.vertexCount);
    expect(s.maxEdgeUse).toBe(2);
    expect(s.maxDirectedUse).toBe(1);
    expect(s.boundaryDegrees).toEqual(new Set([2]));
    expect(s.loopSizes).toEqual([ringPointCount]);
    expect(s.euler).toBe(1);
    // 852 + 14 per eye + 18 for the mouth + 2 per ring segment.
    expect(topology.triangles.length / 3).toBe(852 + 28 + 18 + 2 * ringPointCount);
  });

  it('marks the mouth strip, keeps features out of the skin, and fades alpha only across the ring', () => {
    const count = (kind: number) => topology.kinds.filter((k) => k === kind).length;
    expect(count(triangleKind.mouth)).toBe(18);
    expect(count(triangleKind.skin)).toBeGreaterThan(550);
    expect(count(triangleKind.feature)).toBeGreaterThan(2 * ringPointCount);
    expect([...topology.vertexAlpha.subarray(0, 468)].every((a) => a === 255)).toBe(true);
    expect([...topology.vertexAlpha.subarray(468)].every((a) => a === 0)).toBe(true);
  });
});

describe('skin points', () => {
  it('exclude the lids, brows and lips and cover most of the mesh', () => {
    const { skinPoint } = faceTopology();
    for (const i of [159, 145, 386, 374, 13, 14, 61, 291, 105, 334]) expect(skinPoint[i]).toBe(0);
    for (const i of [1, 10, 152, 234, 454, 205, 425]) expect(skinPoint[i]).toBe(1);
    expect(skinPoint.subarray(0, 468).reduce((a, b) => a + b, 0)).toBeGreaterThan(350);
  });
});
