/*
 * The 'standard' and 'high' seam pass as committed in 50c6a02 (seamBlender.ts, seamPyramid.ts,
 * laplacianSeam.ts and poissonSeam.ts of that commit, joined into one file, unchanged but for
 * the imports and exports), kept as the reference that meshSeam.test.ts holds the faster
 * implementation to. Test code only.
 */
import type { EphemeralHandle } from '../purge/ephemeralHandle';
import type { EphemeralScope } from '../purge/ephemeralScope';
import type { FaceTopology } from '../render/mesh/faceTopology';
import { ringPointCount } from '../render/mesh/faceTopology';
import {
  bandPlanes,
  bandSpans,
  bandTriangleCount,
  bandTriangles,
  bandVertexCount,
  codeScale,
  disjointSpans,
  innerPull,
  placeBand,
} from '../render/mesh/seamBand';

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
const seamLevels = 4;
/** Level-0 cell side, px (a power of two: see {@link cellShift}). */
const cellSize = 8;
const cellShift = 3;
/**
 * Channels of the sums: Σr, Σg, Σb of D and their sample count (D is sampled on every other row
 * and column), then Σu and the count of band pixels.
 */
const sumChannels = 6;

/**
 * Cell counts per level for a frame of `width × height` (one cell of margin around level 0).
 *
 * @internal
 */
function levelCapacity(width: number, height: number): { w: number[]; h: number[] } {
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
function reduceSums(fine: Float32Array, fw: number, fh: number, coarse: Float32Array, cw: number, ch: number): void {
  coarse.fill(0, 0, cw * ch * sumChannels);
  for (let y = 0; y < fh; y++) {
    const row = (y >> 1) * cw;
    for (let x = 0; x < fw; x++) {
      const from = (y * fw + x) * sumChannels;
      if (fine[from + 5] === 0) continue;
      const to = (row + (x >> 1)) * sumChannels;
      for (let c = 0; c < sumChannels; c++) coarse[to + c] = coarse[to + c]! + fine[from + c]!;
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
function smoothLevel(
  sums: Float32Array,
  w: number,
  h: number,
  tmp: Float32Array,
  g: Float32Array,
  u: Float32Array,
  inside: Uint8Array,
): void {
  // Horizontal [1 2 1] of Σr, Σg, Σb, n into tmp (edges repeated).
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const l = x > 0 ? i - 1 : i;
      const r = x < w - 1 ? i + 1 : i;
      for (let c = 0; c < 4; c++) {
        tmp[i * 4 + c] = sums[l * sumChannels + c]! + 2 * sums[i * sumChannels + c]! + sums[r * sumChannels + c]!;
      }
    }
  }
  // Vertical, then normalise.
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const up = y > 0 ? i - w : i;
      const down = y < h - 1 ? i + w : i;
      const n = tmp[up * 4 + 3]! + 2 * tmp[i * 4 + 3]! + tmp[down * 4 + 3]!;
      for (let c = 0; c < 3; c++) {
        g[i * 3 + c] = n > 0 ? (tmp[up * 4 + c]! + 2 * tmp[i * 4 + c]! + tmp[down * 4 + c]!) / n : 0;
      }
      const count = sums[i * sumChannels + 5]!;
      u[i] = count > 0 ? sums[i * sumChannels + 4]! / count : inside[i] ? 0 : 2;
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
function markInside(
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
function upsample(
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
      for (let k = 0; k < channels; k++, to++) {
        fine[to] = 0.5625 * coarse[a + k]! + 0.1875 * (coarse[b + k]! + coarse[c + k]!) + 0.0625 * coarse[d + k]!;
      }
    }
  }
}


/*
 * 'standard' quality: a Laplacian-pyramid blend of the face F and the frame's background B,
 * limited to the seam band. The difference D = F − B is split into bands of frequency: the
 * pixel-level detail D − G₀ and, per pyramid level l (cells of 8 · 2^l px), Lₗ = Gₗ − up(Gₗ₊₁),
 * the coarsest keeping its Gₗ whole. Each band gets its own mask over the band coordinate u
 * (0 inner ring, 1 face outline, 2 outer ring): the detail switches over a narrow stretch in the
 * outer half of the ring (u 1.5…1.8) and each coarser band over a wider one, the coarsest over
 * the whole band, so the colour of the face meets the template's over a wide band while texture
 * (the photo's hair and background in the ring) does not ghost over the template's.
 *
 * result = B + w(u)·(D − G₀) + Σₗ wₗ(u)·Lₗ, the sum taken on the 8 px grid and sampled
 * bilinearly per pixel (see seamBlender.ts).
 */

/**
 * The detail mask's range [u where it starts to fall from 1, u where it reaches 0]: the outer
 * half of the ring, so that the face's own texture reaches past its outline (the ring's first
 * half is the photo's jaw line and hairline) and the template's starts before the ring ends.
 */
const detailRange = [1.5, 1.8] as const;
/** The same per pyramid level (8, 16, 32 px cells); the 64 px level spans the whole band. */
const levelRanges: readonly (readonly [number, number])[] = [
  [1.35, 1.9],
  [1, 1.95],
  [0.5, 2],
];

/** 1 at `lo` and below, 0 at `hi` and above, smoothstep between. */
function fallingMask(u: number, lo: number, hi: number): number {
  const t = Math.min(1, Math.max(0, (u - lo) / (hi - lo)));
  return 1 - t * t * (3 - 2 * t);
}

/**
 * The coarsest level's mask: 1 at the inner ring, 0 at the outer, falling at a constant rate in
 * pixels (the inner strip is about 0.15 of the distance from the face's centre and the ring 0.12
 * at the sides, so u is rescaled to match) with rounded ends: the smallest slope a colour
 * difference can be spread with over the band, 1.25 / band width at its steepest.
 */
function widestMask(u: number): number {
  const inner = innerPull / (innerPull + 0.12);
  const s = u <= 1 ? u * inner : inner + (u - 1) * (1 - inner);
  const t = Math.min(1, Math.max(0, s));
  const end = 0.2;
  const k = 1 / (1 - end);
  const rise = t < end ? (k * t * t) / (2 * end) : t > 1 - end ? 1 - (k * (1 - t) ** 2) / (2 * end) : k * (t - end / 2);
  return 1 - rise;
}

/** Per level, the mask by band code (256 entries per level). */
const levelMasks = (() => {
  const table = new Float32Array(seamLevels * 256);
  for (let l = 0; l < seamLevels; l++) {
    for (let code = 0; code < 256; code++) {
      const u = Math.max(0, code - 1) / codeScale;
      const range = levelRanges[l];
      table[l * 256 + code] = range ? fallingMask(u, range[0], range[1]) : widestMask(u);
    }
  }
  return table;
})();

/** The band code of a cell's mean u. */
function cellCode(u: number): number {
  return 1 + Math.round(Math.min(2, Math.max(0, u)) * codeScale);
}

/**
 * One pyramid level's grids, as the blender keeps them: `g` the low-passed difference (3 per
 * cell), `u` the band coordinate per cell, `t` scratch (3 per cell), `w × h` cells.
 *
 * @internal
 */
interface SeamLevelGrids {
  readonly g: Float32Array;
  readonly u: Float32Array;
  readonly t: Float32Array;
  w: number;
  h: number;
}

/**
 * The masked sum of the Laplacian bands on the level-0 grid, into `out` (3 per level-0 cell):
 * Σₗ wₗ(u)·Lₗ with Lₗ = Gₗ − Gₗ₊₁ (the coarsest whole), every Gₗ brought to level 0 bilinearly
 * and every mask evaluated at the level-0 cell's own u. Evaluating the wide masks there rather
 * than on their own coarse cells keeps each exactly 0 at the outer ring and exactly 1 at the
 * inner one, so the blend meets the untouched frame and face without a step. Written as
 * w₀·G₀ + Σₗ₌₁ (wₗ − wₗ₋₁)·up(Gₗ). The levels' `t` grids and `codes` (one per level-0 cell) are
 * scratch.
 *
 * @internal
 */
function collapseLaplacian(levels: readonly SeamLevelGrids[], out: Float32Array, codes: Float32Array): void {
  const base = levels[0]!;
  const cells = base.w * base.h;
  for (let i = 0; i < cells; i++) {
    const code = cellCode(base.u[i]!);
    codes[i] = code;
    const w = levelMasks[code]!;
    for (let c = 0; c < 3; c++) out[i * 3 + c] = w * base.g[i * 3 + c]!;
  }
  for (let l = 1; l < seamLevels; l++) {
    // Gₗ down to level 0, one level at a time.
    let from = levels[l]!.g;
    for (let k = l - 1; k >= 0; k--) {
      const coarse = levels[k + 1]!;
      const fine = levels[k]!;
      // At level 0 only band cells need it: the masks are all 1 inside the inner ring and all 0
      // past the ring, so there every (wₗ − wₗ₋₁) is 0.
      upsample(from, coarse.w, coarse.h, fine.t, fine.w, fine.h, 3, k === 0 ? codes : undefined);
      from = fine.t;
    }
    for (let i = 0; i < cells; i++) {
      const code = codes[i]!;
      const w = levelMasks[l * 256 + code]! - levelMasks[(l - 1) * 256 + code]!;
      if (w === 0) continue;
      for (let c = 0; c < 3; c++) out[i * 3 + c] = out[i * 3 + c]! + w * from[i * 3 + c]!;
    }
  }
}


/*
 * 'high' quality: a gradient-domain (Poisson) seam in the band. Inside the seam line (u = 1.5,
 * in the ring where the detail feather starts) the face keeps its own gradients and is shifted by a membrane C, a smooth
 * correction with ΔC = 0 that equals the low-passed background-minus-face difference −G₀ on the
 * seam line and beyond, and 0 at the inner ring (the face inside the band is left as it is). At
 * the seam F + C therefore carries the template's colour and the face's texture, and the narrow
 * detail feather there only exchanges texture, never colour: the face takes on the template's
 * colour at its edge without a step, spread over the whole inner band instead of the ring alone.
 *
 * The membrane is solved on the 8 px grid of the band by successive over-relaxation, started
 * from the straight ramp in u (already close: the band is a thin annulus), the cells at or past
 * the seam line and those inside the inner ring held fixed. A few dozen sweeps over ~2 000 cells
 * cost well under a millisecond.
 */

/**
 * Band coordinate of the seam line: where the detail mask starts to fall (see `detailRange`), so
 * that across the whole detail feather F + C already carries the template's colour.
 */
const seamLine = detailRange[0];
/** Over-relaxation factor and sweeps of the membrane solve. */
const omega = 1.8;
/**
 * Cells whose mean band coordinate is at most this are held at 0: the membrane's inner edge lies
 * a cell inside the band, so that its bilinear reconstruction is already 0 at the inner ring.
 */
const innerEdge = 0.2;
const sweeps = 40;

/**
 * Solve the membrane into `c` (3 per cell) on a `w × h` grid from the low-passed difference `g`
 * (3 per cell) and the cells' band coordinates `u`; `unknown` holds one index per cell. Cells on
 * the grid's edge are always held fixed, so that every free cell has four neighbours.
 *
 * @internal
 */
function solveMembrane(
  g: Float32Array,
  u: Float32Array,
  w: number,
  h: number,
  c: Float32Array,
  unknown: Int32Array,
): void {
  let free = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const ui = u[i]!;
      const edge = x === 0 || y === 0 || x === w - 1 || y === h - 1;
      const ramp = ui >= seamLine ? 1 : ui <= innerEdge ? 0 : (ui - innerEdge) / (seamLine - innerEdge);
      for (let k = 0; k < 3; k++) c[i * 3 + k] = -g[i * 3 + k]! * ramp;
      if (!edge && ui > innerEdge && ui < seamLine) unknown[free++] = i;
    }
  }
  for (let s = 0; s < sweeps; s++) {
    for (let n = 0; n < free; n++) {
      const i = unknown[n]!;
      const at = i * 3;
      const l = at - 3;
      const r = at + 3;
      const t = at - w * 3;
      const b = at + w * 3;
      for (let k = 0; k < 3; k++) {
        const mean = (c[l + k]! + c[r + k]! + c[t + k]! + c[b + k]!) * 0.25;
        c[at + k] = c[at + k]! + omega * (mean - c[at + k]!);
      }
    }
  }
}


/*
 * The seam pass of the mesh compositor for 'standard' and 'high' quality, in two calls around the
 * face's raster (which, for these qualities, draws the ring opaque):
 *
 * 1. `saveBackground`, before the face is drawn: rasterise the seam band (seamBand.ts) into
 *    disjoint row spans, each carrying its triangle's plane of the band coordinate u; keep the
 *    frame's background B where the detail mask is below 1 and at the D samples (every other
 *    pixel of every other row), and gather u and −B per 8 px cell.
 * 2. `blend`, after: add F at the same samples (D = F − B per cell), build the pyramid
 *    (seamPyramid.ts), compute the low-frequency fields of the quality (laplacianSeam.ts or
 *    poissonSeam.ts), then rewrite each band pixel once as
 *
 *        B + w(u)·(F − B) + m(u)·Q,   Q = (1 − w)·P₀ + w·P₁
 *
 *    with w the narrow detail mask in the ring's outer half, P₀ and P₁ the low-frequency term
 *    where the mask is 0 and where it is 1, sampled bilinearly from the grid (Laplacian: P₀ = the
 *    masked sum of the bands Σₗ wₗ·Lₗ, P₁ = the same minus G₀; Poisson: P₀ = 0, P₁ = the
 *    membrane C), and m a guard that takes Q to exactly 0 at the band's two edges, so that the
 *    band meets the untouched face and background without a step.
 *
 * Work is per band pixel (two passes, plus the samples) and per grid cell; nothing is allocated
 * per frame.
 */

/** Where the guard m(u) rises from 0 at the inner ring, and falls to 0 at the outer ring. */
const innerGuard = 0.15;
const outerGuard = 0.3;

function smoothstep(t: number): number {
  const s = Math.min(1, Math.max(0, t));
  return s * s * (3 - 2 * s);
}

/** Per band code: detail mask w, then guard m. */
const pixelTables = (() => {
  const detail = new Float32Array(256);
  const guard = new Float32Array(256);
  for (let code = 1; code < 256; code++) {
    const u = (code - 1) / codeScale;
    detail[code] = fallingMask(u, detailRange[0], detailRange[1]);
    guard[code] = smoothstep(u / innerGuard) * smoothstep((2 - u) / outerGuard);
  }
  return { detail, guard };
})();

/** Band codes up to this one have the detail mask at 1: the face alone, no background needed. */
const solidCode = (() => {
  let code = 1;
  while (code < 255 && pixelTables.detail[code + 1] === 1) code++;
  return code;
})();

/** The band coordinates up to which the detail mask is 1, and from which it is 0. */
const solidU = (solidCode - 1) / codeScale;
const clearU = (() => {
  let code = 255;
  while (code > 1 && pixelTables.detail[code - 1] === 0) code--;
  return (code - 1) / codeScale;
})();

/** Seam mode: which low-frequency field the blend adds. */
type SeamMode = 'laplacian' | 'poisson';

/** Indices into the blender's `meta` numbers. */
const meta = { originX: 0, originY: 1, spans: 2, dims: 3 } as const;

/**
 * The seam pass (see the module comment). Every buffer is held in `scope`: the saved background
 * (`'frame'`), the grids of the face-minus-background difference (`'aligned-face'`), the band's
 * geometry (`'landmarks'`, `'face-transform'`).
 *
 * @internal
 */
export class ReferenceSeamBlender {
  readonly #mode: SeamMode;
  readonly #width: number;
  readonly #triangles: Uint16Array;
  readonly #background: EphemeralHandle<Int32Array>;
  /** The band's spans as rasterised, then made disjoint and row-ordered (see `disjointSpans`). */
  readonly #rawSpans: EphemeralHandle<Int32Array>;
  readonly #spans: EphemeralHandle<Int32Array>;
  readonly #rowStart: EphemeralHandle<Int32Array>;
  readonly #band: EphemeralHandle<Float32Array>;
  readonly #planes: EphemeralHandle<Float64Array>;
  readonly #grid: EphemeralHandle<Float32Array>;
  readonly #inside: EphemeralHandle<Uint8Array>;
  readonly #crossings: EphemeralHandle<Float64Array>;
  readonly #unknown: EphemeralHandle<Int32Array>;
  readonly #meta: EphemeralHandle<Int32Array>;
  readonly #sums: Float32Array[] = [];
  readonly #insides: Uint8Array[] = [];
  readonly #levels: SeamLevelGrids[] = [];
  readonly #tmp: Float32Array;
  readonly #up: Float32Array;
  /** Per level-0 cell: P₀ (3), then P₁ (3) (see the module comment). */
  readonly #fields: Float32Array;

  constructor(scope: EphemeralScope, mode: SeamMode, width: number, height: number, topology: FaceTopology) {
    this.#mode = mode;
    this.#width = width;
    this.#triangles = bandTriangles(topology);
    const pixels = width * height;
    const transform = 'face-transform' as const;
    this.#background = scope.hold(new Int32Array(pixels), { kind: 'frame', label: 'mesh.seam.background' });
    this.#rawSpans = scope.hold(new Int32Array(bandTriangleCount * height * 4), { kind: transform, label: 'mesh.seam.spans' });
    this.#spans = scope.hold(new Int32Array(bandTriangleCount * height * 4), { kind: transform, label: 'mesh.seam.row-spans' });
    this.#rowStart = scope.hold(new Int32Array(height + 2), { kind: transform, label: 'mesh.seam.rows' });
    this.#band = scope.hold(new Float32Array(bandVertexCount * 3), { kind: 'landmarks', label: 'mesh.seam.vertices' });
    this.#planes = scope.hold(new Float64Array(bandTriangleCount * 3), { kind: transform, label: 'mesh.seam.planes' });
    this.#crossings = scope.hold(new Float64Array(ringPointCount + 4), { kind: 'landmarks', label: 'mesh.seam.crossings' });
    this.#meta = scope.hold(new Int32Array(new ArrayBuffer(128)), { kind: transform, label: 'mesh.seam.extent' });
    const { w, h } = levelCapacity(width, height);
    const cells = w.map((cw, l) => cw * h[l]!);
    const cells0 = cells[0]!;
    // Per level: sums, g (3), u (1), t (3); then tmp (4), up (3) and fields (6) at level 0.
    const perLevel = sumChannels + 7;
    const total = cells.reduce((sum, n) => sum + n * perLevel, 0) + cells0 * 13;
    const grid = scope.hold(new Float32Array(total), { kind: 'aligned-face', label: 'mesh.seam.grid' });
    this.#grid = grid;
    this.#inside = scope.hold(new Uint8Array(cells.reduce((a, b) => a + b, 0)), { kind: transform, label: 'mesh.seam.inside' });
    this.#unknown = scope.hold(new Int32Array(cells0), { kind: transform, label: 'mesh.seam.free-cells' });
    let at = 0;
    const take = (n: number) => grid.value.subarray(at, (at += n));
    let insideAt = 0;
    for (let l = 0; l < seamLevels; l++) {
      const n = cells[l]!;
      this.#sums.push(take(n * sumChannels));
      this.#levels.push({ g: take(n * 3), u: take(n), t: take(n * 3), w: 0, h: 0 });
      this.#insides.push(this.#inside.value.subarray(insideAt, (insideAt += n)));
    }
    this.#tmp = take(cells0 * 4);
    this.#up = take(cells0 * 3);
    this.#fields = take(cells0 * 6);
  }

  /**
   * Before the face is drawn: find the band for this frame's `vertices` (x, y, z per point, ring
   * placed) within `box`, keep the background under it and count its pixels per cell.
   */
  saveBackground(frame: Int32Array, vertices: Float32Array, box: Int32Array): void {
    const band = this.#band.value;
    const m = this.#meta.value;
    placeBand(vertices, band);
    bandPlanes(band, this.#triangles, this.#planes.value);
    const raw = this.#rawSpans.value;
    const rawCount = bandSpans(band, this.#triangles, box, raw);
    m[meta.spans] = 0;
    // Grid origin: one level-0 cell before the band's first pixel, on the 8 px lattice.
    let x0 = Infinity;
    let y0 = Infinity;
    let x1 = -Infinity;
    let y1 = -Infinity;
    for (let s = 0; s < rawCount; s++) {
      const y = raw[s * 4]!;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
      if (raw[s * 4 + 1]! < x0) x0 = raw[s * 4 + 1]!;
      if (raw[s * 4 + 2]! > x1) x1 = raw[s * 4 + 2]!;
    }
    if (rawCount === 0) return;
    const spans = this.#spans.value;
    const count = disjointSpans(raw, rawCount, spans, this.#rowStart.value, y0, y1);
    m[meta.spans] = count;
    const ox = ((x0 >> cellShift) - 1) << cellShift;
    const oy = ((y0 >> cellShift) - 1) << cellShift;
    m[meta.originX] = ox;
    m[meta.originY] = oy;
    let w = (x1 >> cellShift) - (x0 >> cellShift) + 3;
    let h = (y1 >> cellShift) - (y0 >> cellShift) + 3;
    for (let l = 0; l < seamLevels; l++) {
      this.#levels[l]!.w = w;
      this.#levels[l]!.h = h;
      m[meta.dims + l * 2] = w;
      m[meta.dims + l * 2 + 1] = h;
      w = Math.ceil(w / 2);
      h = Math.ceil(h / 2);
    }
    const gw = this.#levels[0]!.w;
    const sums = this.#sums[0]!;
    sums.fill(0, 0, gw * this.#levels[0]!.h * sumChannels);
    const background = this.#background.value;
    const planes = this.#planes.value;
    const width = this.#width;
    for (let s = 0; s < count; s++) {
      const y = spans[s * 4]!;
      const first = spans[s * 4 + 1]!;
      const last = spans[s * 4 + 2]!;
      const k = spans[s * 4 + 3]!;
      const ux = planes[k * 3 + 1]!;
      const rowU = planes[k * 3]! + planes[k * 3 + 2]! * y;
      const row = ((y - oy) >> cellShift) * gw;
      const offset = y * width;
      // The background is needed only where the detail mask is below 1 (u past solidU; u is
      // linear along the span), a pixel of margin either side.
      let from = first;
      let to = last;
      if (ux > 0) from = Math.max(first, Math.floor((solidU - rowU) / ux));
      else if (ux < 0) to = Math.min(last, Math.ceil((solidU - rowU) / ux));
      else if (rowU <= solidU) to = first - 1;
      for (let o = offset + from, end = offset + to; o <= end; o++) background[o] = frame[o]!;
      // −B at the D samples (even rows and columns); `blend` adds F at the same pixels.
      if ((y & 1) === 0) {
        for (let x = (first + 1) & ~1, o = offset + x; x <= last; x += 2, o += 2) {
          const b = frame[o]!;
          const cell = (row + ((x - ox) >> cellShift)) * sumChannels;
          sums[cell] = sums[cell]! - (b & 255);
          sums[cell + 1] = sums[cell + 1]! - ((b >> 8) & 255);
          sums[cell + 2] = sums[cell + 2]! - ((b >> 16) & 255);
          sums[cell + 3] = sums[cell + 3]! + 1;
        }
      }
      // Band pixels and Σu per cell, one run of the span per cell (u is linear along it).
      for (let x = first; x <= last; ) {
        const cx = (x - ox) >> cellShift;
        const runEnd = Math.min(last, ox + (cx << cellShift) + cellSize - 1);
        const n = runEnd - x + 1;
        const cell = (row + cx) * sumChannels;
        sums[cell + 4] = sums[cell + 4]! + n * (rowU + ux * ((x + runEnd) / 2));
        sums[cell + 5] = sums[cell + 5]! + n;
        x = runEnd + 1;
      }
    }
  }

  /** After the face is drawn (opaque over the ring): rewrite every band pixel once. */
  blend(frame: Int32Array): void {
    const m = this.#meta.value;
    const count = m[meta.spans]!;
    if (count === 0) return;
    const spans = this.#spans.value;
    const width = this.#width;
    const ox = m[meta.originX]!;
    const oy = m[meta.originY]!;
    const level0 = this.#levels[0]!;
    const gw = level0.w;
    const sums = this.#sums[0]!;

    // D = F − B per cell, sampled on even rows and columns (only its low frequencies are used):
    // −B was summed before the face was drawn, F now.
    for (let s = 0; s < count; s++) {
      const y = spans[s * 4]!;
      if (y & 1) continue;
      const last = spans[s * 4 + 2]!;
      const row = ((y - oy) >> cellShift) * gw;
      for (let x = (spans[s * 4 + 1]! + 1) & ~1, o = y * width + x; x <= last; x += 2, o += 2) {
        const f = frame[o]!;
        const cell = (row + ((x - ox) >> cellShift)) * sumChannels;
        sums[cell] = sums[cell]! + (f & 255);
        sums[cell + 1] = sums[cell + 1]! + ((f >> 8) & 255);
        sums[cell + 2] = sums[cell + 2]! + ((f >> 16) & 255);
      }
    }
    this.#buildPyramid(ox, oy);
    const fields = this.#fields;
    const cells = gw * level0.h;
    // Per cell the low-frequency term where the detail mask is 0 (P0) and where it is 1 (P1).
    const low = this.#up;
    if (this.#mode === 'laplacian') {
      collapseLaplacian(this.#levels, low, this.#tmp);
      for (let i = 0; i < cells; i++) {
        for (let c = 0; c < 3; c++) {
          fields[i * 6 + c] = low[i * 3 + c]!;
          fields[i * 6 + 3 + c] = low[i * 3 + c]! - level0.g[i * 3 + c]!;
        }
      }
    } else {
      solveMembrane(level0.g, level0.u, gw, level0.h, low, this.#unknown.value);
      for (let i = 0; i < cells; i++) {
        for (let c = 0; c < 3; c++) {
          fields[i * 6 + c] = 0;
          fields[i * 6 + 3 + c] = low[i * 3 + c]!;
        }
      }
    }
    this.#writeBand(frame, spans, count, ox, oy, gw);
  }

  /** Bytes held. */
  get byteLength(): number {
    return [
      this.#background, this.#rawSpans, this.#spans, this.#rowStart, this.#band, this.#planes, this.#grid, this.#inside,
      this.#crossings, this.#unknown, this.#meta,
    ].reduce((sum, handle) => sum + handle.byteLength, 0);
  }

  #buildPyramid(ox: number, oy: number): void {
    const band = this.#band.value;
    const crossings = this.#crossings.value;
    // The membrane needs level 0 only.
    const levels = this.#mode === 'laplacian' ? seamLevels : 1;
    for (let l = 0; l < levels; l++) {
      const level = this.#levels[l]!;
      if (l > 0) {
        const fine = this.#levels[l - 1]!;
        reduceSums(this.#sums[l - 1]!, fine.w, fine.h, this.#sums[l]!, level.w, level.h);
      }
      const size = cellSize << l;
      markInside(band, 2 * ringPointCount, ringPointCount, ox, oy, size, level.w, level.h, this.#insides[l]!, crossings);
      smoothLevel(this.#sums[l]!, level.w, level.h, this.#tmp, level.g, level.u, this.#insides[l]!);
    }
  }

  /**
   * Rewrite each band pixel (the spans are disjoint): `base + m·Q`, base F where the detail mask is 1, B where it is 0,
   * their mix between; Q the low-frequency term, linear along x within a cell (stepped per pixel,
   * recomputed every 8 pixels). A span lies in one triangle, where u is linear, so the ends of a
   * run tell whether all of it has the mask at 1, all at 0, or some between.
   */
  #writeBand(frame: Int32Array, spans: Int32Array, count: number, ox: number, oy: number, gw: number): void {
    const background = this.#background.value;
    const planes = this.#planes.value;
    const fields = this.#fields;
    const width = this.#width;
    const { detail, guard } = pixelTables;
    const stride = gw * 6;
    const half = cellSize / 2;
    for (let s = 0; s < count; s++) {
      const y = spans[s * 4]!;
      const last = spans[s * 4 + 2]!;
      const k = spans[s * 4 + 3]!;
      const ux = planes[k * 3 + 1]!;
      const rowU = planes[k * 3]! + planes[k * 3 + 2]! * y;
      // Cell centres sit at ox + 8·cx + 4: pixel x lies between columns cx and cx + 1 for
      // x ∈ [ox + 8·cx + 4, ox + 8·cx + 11].
      const gy = (y + 0.5 - oy) / cellSize - 0.5;
      const cy = Math.floor(gy);
      const fy = gy - cy;
      const offset = y * width;
      const first = spans[s * 4 + 1]!;
      // Band code 1 + u·127 per pixel, stepped in 16.16 fixed point (u is linear along the span).
      let q = Math.round((1.5 + (rowU + ux * first) * codeScale) * 65536);
      const dq = Math.round(ux * codeScale * 65536);
      for (let x = first; x <= last; ) {
        const cx = (x - ox - half) >> cellShift;
        const runStart = ox + (cx << cellShift) + half;
        const runEnd = Math.min(last, runStart + cellSize - 1);
        const uFirst = rowU + ux * x;
        const uLast = rowU + ux * runEnd;
        const solid = (uFirst > uLast ? uFirst : uLast) <= solidU;
        const clear = (uFirst < uLast ? uFirst : uLast) >= clearU;
        const i00 = (cy * gw + cx) * 6;
        const i10 = i00 + stride;
        const t = (x - runStart + 0.5) / cellSize;
        if (solid || clear) {
          // One field: P1 over the face, P0 over the background.
          const at = solid ? i00 + 3 : i00;
          const below = at + stride;
          const l0 = fields[at]! + (fields[below]! - fields[at]!) * fy;
          const l1 = fields[at + 1]! + (fields[below + 1]! - fields[at + 1]!) * fy;
          const l2 = fields[at + 2]! + (fields[below + 2]! - fields[at + 2]!) * fy;
          const d0 = (fields[at + 6]! + (fields[below + 6]! - fields[at + 6]!) * fy - l0) / cellSize;
          const d1 = (fields[at + 7]! + (fields[below + 7]! - fields[at + 7]!) * fy - l1) / cellSize;
          const d2 = (fields[at + 8]! + (fields[below + 8]! - fields[at + 8]!) * fy - l2) / cellSize;
          let p0 = l0 + d0 * cellSize * t;
          let p1 = l1 + d1 * cellSize * t;
          let p2 = l2 + d2 * cellSize * t;
          const source = solid ? frame : background;
          const end = offset + runEnd;
          if ((uFirst < uLast ? uFirst : uLast) >= innerGuard && (uFirst > uLast ? uFirst : uLast) <= 2 - outerGuard) {
            // The guard is 1 all along the run.
            for (let o = offset + x; o <= end; o++, p0 += d0, p1 += d1, p2 += d2) {
              const v = source[o]!;
              let r = ((v & 255) + p0 + 0.5) | 0;
              let gr = (((v >> 8) & 255) + p1 + 0.5) | 0;
              let bl = (((v >> 16) & 255) + p2 + 0.5) | 0;
              r = r < 0 ? 0 : r > 255 ? 255 : r;
              gr = gr < 0 ? 0 : gr > 255 ? 255 : gr;
              bl = bl < 0 ? 0 : bl > 255 ? 255 : bl;
              frame[o] = (v & 0xff000000) | r | (gr << 8) | (bl << 16);
            }
            q += dq * (runEnd - x + 1);
          } else {
            for (let o = offset + x; o <= end; o++, p0 += d0, p1 += d1, p2 += d2, q += dq) {
              const c = q >> 16;
              const g = guard[c < 1 ? 1 : c > 255 ? 255 : c]!;
              const v = source[o]!;
              let r = ((v & 255) + g * p0 + 0.5) | 0;
              let gr = (((v >> 8) & 255) + g * p1 + 0.5) | 0;
              let bl = (((v >> 16) & 255) + g * p2 + 0.5) | 0;
              r = r < 0 ? 0 : r > 255 ? 255 : r;
              gr = gr < 0 ? 0 : gr > 255 ? 255 : gr;
              bl = bl < 0 ? 0 : bl > 255 ? 255 : bl;
              frame[o] = (v & 0xff000000) | r | (gr << 8) | (bl << 16);
            }
          }
        } else {
          // Both fields, P0 (a) and P1 (b), mixed by the detail mask.
          const below = i10;
          const a0l = fields[i00]! + (fields[below]! - fields[i00]!) * fy;
          const a1l = fields[i00 + 1]! + (fields[below + 1]! - fields[i00 + 1]!) * fy;
          const a2l = fields[i00 + 2]! + (fields[below + 2]! - fields[i00 + 2]!) * fy;
          const b0l = fields[i00 + 3]! + (fields[below + 3]! - fields[i00 + 3]!) * fy;
          const b1l = fields[i00 + 4]! + (fields[below + 4]! - fields[i00 + 4]!) * fy;
          const b2l = fields[i00 + 5]! + (fields[below + 5]! - fields[i00 + 5]!) * fy;
          const da0 = (fields[i00 + 6]! + (fields[below + 6]! - fields[i00 + 6]!) * fy - a0l) / cellSize;
          const da1 = (fields[i00 + 7]! + (fields[below + 7]! - fields[i00 + 7]!) * fy - a1l) / cellSize;
          const da2 = (fields[i00 + 8]! + (fields[below + 8]! - fields[i00 + 8]!) * fy - a2l) / cellSize;
          const db0 = (fields[i00 + 9]! + (fields[below + 9]! - fields[i00 + 9]!) * fy - b0l) / cellSize;
          const db1 = (fields[i00 + 10]! + (fields[below + 10]! - fields[i00 + 10]!) * fy - b1l) / cellSize;
          const db2 = (fields[i00 + 11]! + (fields[below + 11]! - fields[i00 + 11]!) * fy - b2l) / cellSize;
          const at = cellSize * t;
          let a0 = a0l + da0 * at;
          let a1 = a1l + da1 * at;
          let a2 = a2l + da2 * at;
          let b0 = b0l + db0 * at;
          let b1 = b1l + db1 * at;
          let b2 = b2l + db2 * at;
          for (let o = offset + x, end = offset + runEnd; o <= end; o++, q += dq) {
            const c = q >> 16;
            const code = c < 1 ? 1 : c > 255 ? 255 : c;
            const w = detail[code]!;
            const v = 1 - w;
            const g = guard[code]!;
            const f = frame[o]!;
            const b = background[o]!;
            let r = ((b & 255) * v + (f & 255) * w + g * (a0 * v + b0 * w) + 0.5) | 0;
            let gr = (((b >> 8) & 255) * v + ((f >> 8) & 255) * w + g * (a1 * v + b1 * w) + 0.5) | 0;
            let bl = (((b >> 16) & 255) * v + ((f >> 16) & 255) * w + g * (a2 * v + b2 * w) + 0.5) | 0;
            r = r < 0 ? 0 : r > 255 ? 255 : r;
            gr = gr < 0 ? 0 : gr > 255 ? 255 : gr;
            bl = bl < 0 ? 0 : bl > 255 ? 255 : bl;
            frame[o] = (b & 0xff000000) | r | (gr << 8) | (bl << 16);
            a0 += da0;
            a1 += da1;
            a2 += da2;
            b0 += db0;
            b1 += db1;
            b2 += db2;
          }
        }
        x = runEnd + 1;
      }
    }
  }
}
