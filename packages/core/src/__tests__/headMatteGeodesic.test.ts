/**
 * The head matte's geodesic distances over precomputed colour edges (issue #13, the matte's build
 * cost) are the distances geodesicDistance computes, bit for bit: random colour grids, a few
 * seeds, and a wall of identical colours that some seeds cannot cross cheaply.
 */
import { describe, expect, it } from 'vitest';
import { geodesicDistance } from '../render/compositing/geodesicDistance';
import { colourEdges, edgesPerCell, geodesicDistanceOnEdges } from '../render/compositing/geodesicEdges';

function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('geodesic distance over precomputed colour edges', () => {
  it('equals geodesicDistance exactly on random grids', () => {
    for (let seed = 1; seed <= 12; seed++) {
      const next = random(seed);
      const size = 20 + Math.floor(next() * 60);
      const n = size * size;
      const colours = new Float32Array(n * 3);
      // Smooth regions with sharp edges, like a photo: a few flat blocks plus noise.
      for (let k = 0; k < n; k++) {
        const block = ((k % size) > size / 2 ? 1 : 0) + (Math.floor(k / size) > size / 3 ? 2 : 0);
        for (let c = 0; c < 3; c++) colours[k * 3 + c] = block * 0.2 + next() * 0.05 * (c + 1);
      }
      const seeds = new Uint8Array(n);
      const seedCount = seed === 1 ? 0 : 1 + Math.floor(next() * 6);
      for (let s = 0; s < seedCount; s++) seeds[Math.floor(next() * n)] = 1;
      const expected = new Float32Array(n);
      const actual = new Float32Array(n);
      geodesicDistance(colours, seeds, size, 0.003, expected);
      const edges = new Float64Array(n * edgesPerCell);
      colourEdges(colours, size, edges);
      geodesicDistanceOnEdges(edges, seeds, size, 0.003, actual);
      let differing = 0;
      for (let k = 0; k < n; k++) if (!Object.is(actual[k], expected[k])) differing++;
      expect(differing, `seed ${seed}`).toBe(0);
      // Not vacuous: with seeds, distances are finite and varied; without, all unreachable.
      const finite = expected.filter(Number.isFinite);
      if (seedCount === 0) expect(finite.length).toBe(0);
      else expect(new Set(finite).size).toBeGreaterThan(n / 4);
    }
  });
});
