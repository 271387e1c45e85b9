import type { EphemeralHandle } from '../../purge/ephemeralHandle';
import type { EphemeralScope } from '../../purge/ephemeralScope';
import type { FaceTopology } from './faceTopology';
import { ringPointCount } from './faceTopology';
import { collapseLaplacian, detailRange, fallingMask } from './laplacianSeam';
import type { SeamLevelGrids } from './laplacianSeam';
import { solveMembrane } from './poissonSeam';
import {
  bandPlanes,
  bandSpans,
  bandTriangleCount,
  bandTriangles,
  bandVertexCount,
  codeScale,
  disjointSpans,
  placeBand,
} from './seamBand';
import {
  cellShift,
  cellSize,
  levelCapacity,
  markInside,
  reduceSums,
  seamLevels,
  smoothLevel,
  sumChannels,
} from './seamPyramid';

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
export type SeamMode = 'laplacian' | 'poisson';

/** Indices into the blender's `meta` numbers. */
const meta = { originX: 0, originY: 1, spans: 2, dims: 3 } as const;

/**
 * The seam pass (see the module comment). Every buffer is held in `scope`: the saved background
 * (`'frame'`), the grids of the face-minus-background difference (`'aligned-face'`), the band's
 * geometry (`'landmarks'`, `'face-transform'`).
 *
 * @internal
 */
export class SeamBlender {
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
      // Per run of the span within a cell: its band pixels and Σu (u is linear along the span)
      // and, on even rows, −B at the D samples (even columns; `blend` adds F at the same pixels),
      // summed in integers and stored once per run.
      const sampled = (y & 1) === 0;
      for (let x = first; x <= last; ) {
        const cx = (x - ox) >> cellShift;
        const runEnd = Math.min(last, ox + (cx << cellShift) + cellSize - 1);
        const n = runEnd - x + 1;
        const cell = (row + cx) * sumChannels;
        if (sampled) {
          let r = 0;
          let g = 0;
          let bl = 0;
          let samples = 0;
          for (let o = offset + ((x + 1) & ~1), end = offset + runEnd; o <= end; o += 2, samples++) {
            const b = frame[o]!;
            r += b & 255;
            g += (b >> 8) & 255;
            bl += (b >> 16) & 255;
          }
          sums[cell] = sums[cell]! - r;
          sums[cell + 1] = sums[cell + 1]! - g;
          sums[cell + 2] = sums[cell + 2]! - bl;
          sums[cell + 3] = sums[cell + 3]! + samples;
        }
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
    const ox = m[meta.originX]!;
    const oy = m[meta.originY]!;
    const level0 = this.#levels[0]!;
    const gw = level0.w;
    // No loop of its own here: V8 would compile it on-stack while sampling, for one mode's branch
    // only, and fall back to the interpreter for the rest of every call made in the other mode
    // (measured: once per frame with 'standard' and 'high' compositors interleaved).
    sampleFace(frame, spans, count, this.#width, ox, oy, gw, this.#sums[0]!);
    this.#buildPyramid(ox, oy);
    // Per cell the low-frequency term where the detail mask is 0 (P0) and where it is 1 (P1).
    const low = this.#up;
    if (this.#mode === 'laplacian') {
      collapseLaplacian(this.#levels, low, this.#tmp);
      laplacianFields(low, level0.g, gw * level0.h, this.#fields);
    } else {
      solveMembrane(level0.g, level0.u, gw, level0.h, low, this.#unknown.value);
      membraneFields(low, gw * level0.h, this.#fields);
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
    // Each field's row of cells (interpolated to the pixel row) for the last cell it was needed
    // in: a span that ends within a cell leaves it to the next span of the row.
    let aKey = -1;
    let a0l = 0;
    let a1l = 0;
    let a2l = 0;
    let da0 = 0;
    let da1 = 0;
    let da2 = 0;
    let bKey = -1;
    let b0l = 0;
    let b1l = 0;
    let b2l = 0;
    let db0 = 0;
    let db1 = 0;
    let db2 = 0;
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
        const uLow = uFirst < uLast ? uFirst : uLast;
        const uHigh = uFirst > uLast ? uFirst : uLast;
        const solid = uHigh <= solidU;
        const clear = uLow >= clearU;
        const key = y * gw + cx;
        const i00 = (cy * gw + cx) * 6;
        if (!solid && key !== aKey) {
          // P0 at the run's row: the field's value at the cell's centre column and its step per pixel.
          aKey = key;
          const below = i00 + stride;
          a0l = fields[i00]! + (fields[below]! - fields[i00]!) * fy;
          a1l = fields[i00 + 1]! + (fields[below + 1]! - fields[i00 + 1]!) * fy;
          a2l = fields[i00 + 2]! + (fields[below + 2]! - fields[i00 + 2]!) * fy;
          da0 = (fields[i00 + 6]! + (fields[below + 6]! - fields[i00 + 6]!) * fy - a0l) / cellSize;
          da1 = (fields[i00 + 7]! + (fields[below + 7]! - fields[i00 + 7]!) * fy - a1l) / cellSize;
          da2 = (fields[i00 + 8]! + (fields[below + 8]! - fields[i00 + 8]!) * fy - a2l) / cellSize;
        }
        if (!clear && key !== bKey) {
          // P1, the same.
          bKey = key;
          const below = i00 + stride;
          b0l = fields[i00 + 3]! + (fields[below + 3]! - fields[i00 + 3]!) * fy;
          b1l = fields[i00 + 4]! + (fields[below + 4]! - fields[i00 + 4]!) * fy;
          b2l = fields[i00 + 5]! + (fields[below + 5]! - fields[i00 + 5]!) * fy;
          db0 = (fields[i00 + 9]! + (fields[below + 9]! - fields[i00 + 9]!) * fy - b0l) / cellSize;
          db1 = (fields[i00 + 10]! + (fields[below + 10]! - fields[i00 + 10]!) * fy - b1l) / cellSize;
          db2 = (fields[i00 + 11]! + (fields[below + 11]! - fields[i00 + 11]!) * fy - b2l) / cellSize;
        }
        // Pixels from the cell's centre column to the run's first pixel's centre.
        const at = x - runStart + 0.5;
        const end = offset + runEnd;
        if (solid || clear) {
          // One field: P1 over the face, P0 over the background.
          let p0 = solid ? b0l + db0 * at : a0l + da0 * at;
          let p1 = solid ? b1l + db1 * at : a1l + da1 * at;
          let p2 = solid ? b2l + db2 * at : a2l + da2 * at;
          const d0 = solid ? db0 : da0;
          const d1 = solid ? db1 : da1;
          const d2 = solid ? db2 : da2;
          const source = solid ? frame : background;
          if (uLow >= innerGuard && uHigh <= 2 - outerGuard) {
            // The guard is 1 all along the run: Q in 16.16 fixed point, the rounding's half added
            // once (flooring a negative sum instead of truncating it changes nothing: it clamps to 0).
            let f0 = (p0 * 65536 + 32768) | 0;
            let f1 = (p1 * 65536 + 32768) | 0;
            let f2 = (p2 * 65536 + 32768) | 0;
            const e0 = (d0 * 65536) | 0;
            const e1 = (d1 * 65536) | 0;
            const e2 = (d2 * 65536) | 0;
            for (let o = offset + x; o <= end; o++, f0 += e0, f1 += e1, f2 += e2) {
              const v = source[o]!;
              let r = (v & 255) + (f0 >> 16);
              let gr = ((v >> 8) & 255) + (f1 >> 16);
              let bl = ((v >> 16) & 255) + (f2 >> 16);
              if ((r | gr | bl) & ~255) {
                r = r < 0 ? 0 : r > 255 ? 255 : r;
                gr = gr < 0 ? 0 : gr > 255 ? 255 : gr;
                bl = bl < 0 ? 0 : bl > 255 ? 255 : bl;
              }
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
              if ((r | gr | bl) & ~255) {
                r = r < 0 ? 0 : r > 255 ? 255 : r;
                gr = gr < 0 ? 0 : gr > 255 ? 255 : gr;
                bl = bl < 0 ? 0 : bl > 255 ? 255 : bl;
              }
              frame[o] = (v & 0xff000000) | r | (gr << 8) | (bl << 16);
            }
          }
        } else {
          // Both fields, P0 (a) and P1 (b), mixed by the detail mask.
          let a0 = a0l + da0 * at;
          let a1 = a1l + da1 * at;
          let a2 = a2l + da2 * at;
          let b0 = b0l + db0 * at;
          let b1 = b1l + db1 * at;
          let b2 = b2l + db2 * at;
          for (let o = offset + x; o <= end; o++, q += dq) {
            const c = q >> 16;
            const code = c < 1 ? 1 : c > 255 ? 255 : c;
            // B + w·(F − B) + g·(P0 + w·(P1 − P0)).
            const w = detail[code]!;
            const g = guard[code]!;
            const f = frame[o]!;
            const b = background[o]!;
            const br = b & 255;
            const bg = (b >> 8) & 255;
            const bb = (b >> 16) & 255;
            let r = (br + w * ((f & 255) - br) + g * (a0 + w * (b0 - a0)) + 0.5) | 0;
            let gr = (bg + w * (((f >> 8) & 255) - bg) + g * (a1 + w * (b1 - a1)) + 0.5) | 0;
            let bl = (bb + w * (((f >> 16) & 255) - bb) + g * (a2 + w * (b2 - a2)) + 0.5) | 0;
            if ((r | gr | bl) & ~255) {
              r = r < 0 ? 0 : r > 255 ? 255 : r;
              gr = gr < 0 ? 0 : gr > 255 ? 255 : gr;
              bl = bl < 0 ? 0 : bl > 255 ? 255 : bl;
            }
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

/**
 * D = F − B per cell, sampled on even rows and columns (only its low frequencies are used): −B
 * was summed into `sums` before the face was drawn, F now, in integers per cell run.
 */
function sampleFace(
  frame: Int32Array,
  spans: Int32Array,
  count: number,
  width: number,
  ox: number,
  oy: number,
  gw: number,
  sums: Float32Array,
): void {
  for (let s = 0; s < count; s++) {
    const y = spans[s * 4]!;
    if (y & 1) continue;
    const last = spans[s * 4 + 2]!;
    const row = ((y - oy) >> cellShift) * gw;
    const offset = y * width;
    for (let x = (spans[s * 4 + 1]! + 1) & ~1; x <= last; ) {
      const cx = (x - ox) >> cellShift;
      const runEnd = Math.min(last, ox + (cx << cellShift) + cellSize - 1);
      let r = 0;
      let g = 0;
      let b = 0;
      let o = offset + x;
      for (const end = offset + runEnd; o <= end; o += 2) {
        const f = frame[o]!;
        r += f & 255;
        g += (f >> 8) & 255;
        b += (f >> 16) & 255;
      }
      const cell = (row + cx) * sumChannels;
      sums[cell] = sums[cell]! + r;
      sums[cell + 1] = sums[cell + 1]! + g;
      sums[cell + 2] = sums[cell + 2]! + b;
      x = o - offset;
    }
  }
}

/** Laplacian fields per cell: P0 = the masked sum `low`, P1 = the same minus G₀. */
function laplacianFields(low: Float32Array, g0: Float32Array, cells: number, fields: Float32Array): void {
  for (let i = 0; i < cells; i++) {
    const f = i * 6;
    const o = i * 3;
    fields[f] = low[o]!;
    fields[f + 1] = low[o + 1]!;
    fields[f + 2] = low[o + 2]!;
    fields[f + 3] = low[o]! - g0[o]!;
    fields[f + 4] = low[o + 1]! - g0[o + 1]!;
    fields[f + 5] = low[o + 2]! - g0[o + 2]!;
  }
}

/** Poisson fields per cell: P0 = 0, P1 = the membrane `low`. */
function membraneFields(low: Float32Array, cells: number, fields: Float32Array): void {
  for (let i = 0; i < cells; i++) {
    const f = i * 6;
    const o = i * 3;
    fields[f] = 0;
    fields[f + 1] = 0;
    fields[f + 2] = 0;
    fields[f + 3] = low[o]!;
    fields[f + 4] = low[o + 1]!;
    fields[f + 5] = low[o + 2]!;
  }
}
