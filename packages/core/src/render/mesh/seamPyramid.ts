/*
 * The low-resolution grids of the seam blend: a pyramid over the seam band's bounding box with
 * cells of 8, 16, 32 and 64 px. Level 0 gathers, per cell, the band's pixel count, the sum of its
 * band coordinate u and the sum of the face-minus-background difference D = F − B (r, g, b); each
 * coarser level sums 2 × 2 cells of the one below. Per level, `smooth` turns the sums into the
 * low-passed difference G (a normalised [1 2 1]² blur, so that the band's edge does not pull it
 * toward 0) and a band coordinate per cell. Everything is preallocated for the largest band a
 * frame allows; a frame only touches the cells its band covers.
 */

/** Pyramid levels (cells of 8, 16, 32, 64 px). */
export const seamLevels = 4;
/** Level-0 cell side, px (a power of two: see {@link cellShift}). */
export const cellSize = 8;
export const cellShift = 3;
/**
 * Channels of the sums: Σr, Σg, Σb of D and their sample count (D is sampled on every other row
 * and column), then Σu and the count of band pixels.
 */
export const sumChannels = 6;

/**
 * Cell counts per level for a frame of `width × height` (one cell of margin around level 0).
 *
 * @internal
 */
export function levelCapacity(width: number, height: number): { w: number[]; h: number[] } {
  const w = [Math.ceil(width / cellSize) + 3];
  const h = [Math.ceil(height / cellSize) + 3];
  for (let l = 1; l < seamLevels; l++) {
    w.push(Math.ceil(w[l - 1]! / 2));
    h.push(Math.ceil(h[l - 1]! / 2));
  }
  return { w, h };
}

/**
 * Sum level `l` into level `l + 1`: each coarse cell adds its 2 × 2 children (all channels).
 *
 * @internal
 */
export function reduceSums(fine: Float32Array, fw: number, fh: number, coarse: Float32Array, cw: number, ch: number): void {
  coarse.fill(0, 0, cw * ch * sumChannels);
  for (let y = 0; y < fh; y++) {
    const row = (y >> 1) * cw;
    for (let x = 0; x < fw; x++) {
      const from = (y * fw + x) * sumChannels;
      if (fine[from + 5] === 0) continue;
      const to = (row + (x >> 1)) * sumChannels;
      coarse[to] = coarse[to]! + fine[from]!;
      coarse[to + 1] = coarse[to + 1]! + fine[from + 1]!;
      coarse[to + 2] = coarse[to + 2]! + fine[from + 2]!;
      coarse[to + 3] = coarse[to + 3]! + fine[from + 3]!;
      coarse[to + 4] = coarse[to + 4]! + fine[from + 4]!;
      coarse[to + 5] = coarse[to + 5]! + fine[from + 5]!;
    }
  }
}

/**
 * From one level's sums: `g` (3 per cell) the normalised blur of D, 0 where no band pixel is
 * near; `u` (1 per cell) the mean band coordinate of the cell's band pixels, or, for a cell with
 * none, 0 when its centre lies inside the inner ring (`inside`) and 2 otherwise. `tmp` holds
 * 4 numbers per cell.
 *
 * @internal
 */
export function smoothLevel(
  sums: Float32Array,
  w: number,
  h: number,
  tmp: Float32Array,
  g: Float32Array,
  u: Float32Array,
  inside: Uint8Array,
): void {
  // Horizontal [1 2 1] of Σr, Σg, Σb, n into tmp (edges repeated). The channels are written out:
  // this runs over every cell of the band's bounding box, four levels per frame.
  const channels = sumChannels;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const l = (x > 0 ? i - 1 : i) * channels;
      const r = (x < w - 1 ? i + 1 : i) * channels;
      const m = i * channels;
      const t = i * 4;
      tmp[t] = sums[l]! + 2 * sums[m]! + sums[r]!;
      tmp[t + 1] = sums[l + 1]! + 2 * sums[m + 1]! + sums[r + 1]!;
      tmp[t + 2] = sums[l + 2]! + 2 * sums[m + 2]! + sums[r + 2]!;
      tmp[t + 3] = sums[l + 3]! + 2 * sums[m + 3]! + sums[r + 3]!;
    }
  }
  // Vertical, then normalise.
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const up = (y > 0 ? i - w : i) * 4;
      const down = (y < h - 1 ? i + w : i) * 4;
      const t = i * 4;
      const n = tmp[up + 3]! + 2 * tmp[t + 3]! + tmp[down + 3]!;
      const o = i * 3;
      if (n > 0) {
        g[o] = (tmp[up]! + 2 * tmp[t]! + tmp[down]!) / n;
        g[o + 1] = (tmp[up + 1]! + 2 * tmp[t + 1]! + tmp[down + 1]!) / n;
        g[o + 2] = (tmp[up + 2]! + 2 * tmp[t + 2]! + tmp[down + 2]!) / n;
      } else {
        g[o] = 0;
        g[o + 1] = 0;
        g[o + 2] = 0;
      }
      const count = sums[i * channels + 5]!;
      u[i] = count > 0 ? sums[i * channels + 4]! / count : inside[i] ? 0 : 2;
    }
  }
}

/**
 * Mark the cells of a level whose centre lies inside the polygon `ring` (x, y, u per point,
 * `count` points from `from`): one row of crossings at a time. `crossings` holds at least
 * `count` numbers.
 *
 * @internal
 */
export function markInside(
  ring: Float32Array,
  from: number,
  count: number,
  originX: number,
  originY: number,
  size: number,
  w: number,
  h: number,
  inside: Uint8Array,
  crossings: Float64Array,
): void {
  for (let y = 0; y < h; y++) {
    const yc = originY + (y + 0.5) * size;
    let found = 0;
    for (let k = 0; k < count; k++) {
      const a = from + k;
      const b = from + ((k + 1) % count);
      const y0 = ring[a * 3 + 1]!;
      const y1 = ring[b * 3 + 1]!;
      if (yc < y0 === yc < y1) continue;
      const x0 = ring[a * 3]!;
      const x = x0 + ((yc - y0) * (ring[b * 3]! - x0)) / (y1 - y0);
      // Insertion into the sorted crossings.
      let j = found++;
      while (j > 0 && crossings[j - 1]! > x) {
        crossings[j] = crossings[j - 1]!;
        j--;
      }
      crossings[j] = x;
    }
    let next = 0;
    for (let x = 0; x < w; x++) {
      const xc = originX + (x + 0.5) * size;
      while (next < found && crossings[next]! < xc) next++;
      inside[y * w + x] = next & 1;
    }
  }
}

/**
 * Bilinear up-sampling of a coarse field (`channels` per cell, `cw × ch`) onto the cell centres
 * of the level below (`fw × fh`), edges clamped. With `codes` (one band code per fine cell),
 * cells wholly inside the inner ring (code 1) or outside the ring (255) are left as they are:
 * the caller does not read them.
 *
 * @internal
 */
export function upsample(
  coarse: Float32Array,
  cw: number,
  ch: number,
  fine: Float32Array,
  fw: number,
  fh: number,
  channels: number,
  codes?: Float32Array,
): void {
  // A fine cell's centre lies a quarter of a coarse cell from its parent's centre: toward the
  // previous coarse cell for an even index, the next for an odd one (weights ¾ and ¼).
  for (let y = 0; y < fh; y++) {
    const parentY = y >> 1;
    const otherY = y & 1 ? Math.min(ch - 1, parentY + 1) : Math.max(0, parentY - 1);
    const near = parentY * cw;
    const far = otherY * cw;
    let to = y * fw * channels;
    for (let x = 0; x < fw; x++) {
      if (codes) {
        const code = codes[y * fw + x]!;
        if (code === 1 || code === 255) {
          to += channels;
          continue;
        }
      }
      const parentX = x >> 1;
      const otherX = x & 1 ? (parentX + 1 < cw ? parentX + 1 : parentX) : parentX > 0 ? parentX - 1 : 0;
      const a = (near + parentX) * channels;
      const b = (near + otherX) * channels;
      const c = (far + parentX) * channels;
      const d = (far + otherX) * channels;
      if (channels === 3) {
        // The seam's case, written out.
        fine[to] = 0.5625 * coarse[a]! + 0.1875 * (coarse[b]! + coarse[c]!) + 0.0625 * coarse[d]!;
        fine[to + 1] = 0.5625 * coarse[a + 1]! + 0.1875 * (coarse[b + 1]! + coarse[c + 1]!) + 0.0625 * coarse[d + 1]!;
        fine[to + 2] = 0.5625 * coarse[a + 2]! + 0.1875 * (coarse[b + 2]! + coarse[c + 2]!) + 0.0625 * coarse[d + 2]!;
        to += 3;
        continue;
      }
      for (let k = 0; k < channels; k++, to++) {
        fine[to] = 0.5625 * coarse[a + k]! + 0.1875 * (coarse[b + k]! + coarse[c + k]!) + 0.0625 * coarse[d + k]!;
      }
    }
  }
}
