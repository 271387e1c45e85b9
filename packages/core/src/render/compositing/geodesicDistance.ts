/** Forward and backward raster passes; three rounds settle paths that turn back twice. */
const rounds = 3;

/**
 * Geodesic distance on a `size × size` RGB grid (`colours`, 3 numbers per cell, 0…1) from the
 * cells where `seeds` is non-zero, into `out`: the cheapest path, each step costing `stepCost`
 * plus the colour difference it crosses, so a distance grows little across a smooth surface and
 * jumps at every edge. Unreachable cells stay `Infinity`. Raster-scan approximation with eight
 * neighbours (Toivanen 1996).
 *
 * @internal
 */
export function geodesicDistance(colours: Float32Array, seeds: Uint8Array, size: number, stepCost: number, out: Float32Array): void {
  for (let k = 0; k < size * size; k++) out[k] = seeds[k] ? 0 : Infinity;
  const relax = (k: number, nk: number, diagonal: boolean) => {
    const from = out[nk]!;
    if (from === Infinity) return;
    const dr = colours[k * 3]! - colours[nk * 3]!;
    const dg = colours[k * 3 + 1]! - colours[nk * 3 + 1]!;
    const db = colours[k * 3 + 2]! - colours[nk * 3 + 2]!;
    const cost = from + (diagonal ? stepCost * Math.SQRT2 : stepCost) + Math.sqrt(dr * dr + dg * dg + db * db);
    if (cost < out[k]!) out[k] = cost;
  };
  for (let round = 0; round < rounds; round++) {
    for (let j = 0; j < size; j++) {
      for (let i = 0; i < size; i++) {
        const k = j * size + i;
        if (i > 0) relax(k, k - 1, false);
        if (j > 0) {
          relax(k, k - size, false);
          if (i > 0) relax(k, k - size - 1, true);
          if (i < size - 1) relax(k, k - size + 1, true);
        }
      }
    }
    for (let j = size - 1; j >= 0; j--) {
      for (let i = size - 1; i >= 0; i--) {
        const k = j * size + i;
        if (i < size - 1) relax(k, k + 1, false);
        if (j < size - 1) {
          relax(k, k + size, false);
          if (i < size - 1) relax(k, k + size + 1, true);
          if (i > 0) relax(k, k + size - 1, true);
        }
      }
    }
  }
}
