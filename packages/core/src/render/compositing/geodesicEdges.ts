/*
 * The head matte's geodesic distances (geodesicDistance.ts), with the colour differences between
 * neighbouring cells computed once instead of at every relaxation: the same sums in the same
 * order, so the same distances, bit for bit. The matte asks for two distance fields over the same
 * colours and each takes three rounds of two passes, so every edge's square root was taken twelve
 * times before.
 */

/** Forward and backward raster passes; three rounds settle paths that turn back twice. */
const rounds = 3;
/** Weights per cell: to the right, below, below right, below left. */
export const edgesPerCell = 4;

/**
 * The colour distance across each edge of the 8-neighbour `size × size` grid (`colours`: RGB,
 * 3 numbers per cell): for cell k, `out[4k]` to its right neighbour, `out[4k + 1]` to the one
 * below, `out[4k + 2]` below right and `out[4k + 3]` below left (0 where there is none). It
 * describes the photo, so the caller zeroes it after use.
 *
 * @internal
 */
export function colourEdges(colours: Float32Array, size: number, out: Float64Array): void {
  const distance = (k: number, nk: number): number => {
    const dr = colours[k * 3]! - colours[nk * 3]!;
    const dg = colours[k * 3 + 1]! - colours[nk * 3 + 1]!;
    const db = colours[k * 3 + 2]! - colours[nk * 3 + 2]!;
    return Math.sqrt(dr * dr + dg * dg + db * db);
  };
  for (let j = 0; j < size; j++) {
    for (let i = 0; i < size; i++) {
      const k = j * size + i;
      const at = k * edgesPerCell;
      out[at] = i < size - 1 ? distance(k, k + 1) : 0;
      out[at + 1] = j < size - 1 ? distance(k, k + size) : 0;
      out[at + 2] = i < size - 1 && j < size - 1 ? distance(k, k + size + 1) : 0;
      out[at + 3] = i > 0 && j < size - 1 ? distance(k, k + size - 1) : 0;
    }
  }
}

/**
 * `geodesicDistance` over precomputed {@link colourEdges}: from the cells where `seeds` is
 * non-zero, into `out`, each step costing `stepCost` (× √2 diagonally) plus the edge's colour
 * distance. Unreachable cells stay `Infinity`.
 *
 * @internal
 */
export function geodesicDistanceOnEdges(edges: Float64Array, seeds: Uint8Array, size: number, stepCost: number, out: Float32Array): void {
  const n = size * size;
  for (let k = 0; k < n; k++) out[k] = seeds[k] ? 0 : Infinity;
  const diagonal = stepCost * Math.SQRT2;
  // As geodesicDistance's: (from + step) + colour distance, compared with what `out` holds.
  const relax = (k: number, nk: number, step: number, colour: number): void => {
    const from = out[nk]!;
    if (from === Infinity) return;
    const cost = from + step + colour;
    if (cost < out[k]!) out[k] = cost;
  };
  for (let round = 0; round < rounds; round++) {
    for (let j = 0; j < size; j++) {
      for (let i = 0; i < size; i++) {
        const k = j * size + i;
        if (i > 0) relax(k, k - 1, stepCost, edges[(k - 1) * edgesPerCell]!);
        if (j > 0) {
          relax(k, k - size, stepCost, edges[(k - size) * edgesPerCell + 1]!);
          if (i > 0) relax(k, k - size - 1, diagonal, edges[(k - size - 1) * edgesPerCell + 2]!);
          if (i < size - 1) relax(k, k - size + 1, diagonal, edges[(k - size + 1) * edgesPerCell + 3]!);
        }
      }
    }
    for (let j = size - 1; j >= 0; j--) {
      for (let i = size - 1; i >= 0; i--) {
        const k = j * size + i;
        const at = k * edgesPerCell;
        if (i < size - 1) relax(k, k + 1, stepCost, edges[at]!);
        if (j < size - 1) {
          relax(k, k + size, stepCost, edges[at + 1]!);
          if (i < size - 1) relax(k, k + size + 1, diagonal, edges[at + 2]!);
          if (i > 0) relax(k, k + size - 1, diagonal, edges[at + 3]!);
        }
      }
    }
  }
}
