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
 *    frame's background B where the detail mask is below 1 (packed in span order), and gather u
 *    per 8 px cell and −B at the D samples (every other pixel of every other row).
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

/** The kinds of band pixel `#writeBand` treats apart, by their masks. */
const solidFlat = 0; // detail mask 1, guard 1: F + P1
const solidEdge = 1; // detail mask 1, guard below 1: F + m·P1
const mixed = 2; // detail mask between 0 and 1: both fields
const clearEdge = 3; // detail mask 0: B + m·P0

/**
 * The band codes cut into ranges of one kind of pixel each: per code its range, per range its
 * kind and its lowest and highest code. A span's code is linear along it, so it crosses each
 * range at most once, and the range's ends tell where (see `#writeBand`).
 */
const pixelKinds = (() => {
  const range = new Uint8Array(256);
  const kinds: number[] = [];
  const lowest: number[] = [];
  const highest: number[] = [];
  for (let code = 1; code < 256; code++) {
    const w = pixelTables.detail[code]!;
    const kind = w === 1 ? (pixelTables.guard[code] === 1 ? solidFlat : solidEdge) : w === 0 ? clearEdge : mixed;
    if (kinds.length === 0 || kinds[kinds.length - 1] !== kind) {
      kinds.push(kind);
      lowest.push(code);
      highest.push(code);
    }
    range[code] = kinds.length - 1;
    highest[kinds.length - 1] = code;
  }
  range[0] = range[1]!;
  return { range, kind: Uint8Array.from(kinds), lowest: Int32Array.from(lowest), highest: Int32Array.from(highest) };
})();

/** Band codes up to this one have the detail mask at 1: the face alone, no background needed. */
const solidCode = (() => {
  let code = 1;
  while (code < 255 && pixelTables.detail[code + 1] === 1) code++;
  return code;
})();

/** The band coordinate up to which the detail mask is 1. */
const solidU = (solidCode - 1) / codeScale;

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
    let kept = 0;
    for (let s = 0; s < count; s++) {
      const y = spans[s * 4]!;
      const first = spans[s * 4 + 1]!;
      const last = spans[s * 4 + 2]!;
      const k = spans[s * 4 + 3]!;
      const ux = planes[k * 3 + 1]!;
      const rowU = planes[k * 3]! + planes[k * 3 + 2]! * y;
      const row = ((y - oy) >> cellShift) * gw;
      const offset = y * width;
      // The background, where kept (see `keptFrom`), packed span after span in span order:
      // `#writeBand` reads it back in the same order, as one stream rather than a few words from
      // each of ~1 500 row pieces of a frame-sized buffer.
      const from = keptFrom(first, last, rowU, ux);
      const to = keptTo(first, last, rowU, ux);
      for (let o = offset + from, end = offset + to; o <= end; o++) background[kept++] = frame[o]!;
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
          // r and b summed side by side in one integer (16 bits each: at most 4 samples of 255).
          let rb = 0;
          let g = 0;
          let samples = 0;
          for (let o = offset + ((x + 1) & ~1), end = offset + runEnd; o <= end; o += 2, samples++) {
            const b = frame[o]!;
            rb += b & 0xff00ff;
            g += (b >> 8) & 255;
          }
          sums[cell] = sums[cell]! - (rb & 0xffff);
          sums[cell + 1] = sums[cell + 1]! - g;
          sums[cell + 2] = sums[cell + 2]! - (rb >>> 16);
          sums[cell + 3] = sums[cell + 3]! + samples;
        }
        sums[cell + 4] = sums[cell + 4]! + n * (rowU + ux * (x + runEnd) * 0.5);
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
   * Rewrite each band pixel (the spans are disjoint): `base + m·Q`, base F where the detail mask
   * is 1, B where it is 0, their mix between; Q the low-frequency term. A span lies in one
   * triangle, where u (and with it the band code, stepped in 16.16 fixed point) is linear, so it
   * splits into at most a few pieces of one kind of pixel each (see `pixelKinds`), their ends
   * found from the code's step. Each piece is one loop: along a row the fields are linear between
   * the centre columns of the cells (bilinear on the grid, the row fixed), so they are stepped per
   * pixel and set afresh at each column crossed. (Runs of one cell each, ~6 px on average, cost
   * about twice as much per pixel on the machines measured.)
   */
  #writeBand(frame: Int32Array, spans: Int32Array, count: number, ox: number, oy: number, gw: number): void {
    const background = this.#background.value;
    const planes = this.#planes.value;
    const fields = this.#fields;
    const width = this.#width;
    const { detail, guard } = pixelTables;
    const { range: rangeOf, kind: kindOf, lowest, highest } = pixelKinds;
    const stride = gw * 6;
    const half = cellSize / 2;
    const step = 1 / cellSize;
    // The row's fraction between cell rows, and its row of cells, kept while the row lasts.
    let rowY = -1;
    let kept = 0;
    let fy = 0;
    let rowCells = 0;
    for (let s = 0; s < count; s++) {
      const y = spans[s * 4]!;
      const first = spans[s * 4 + 1]!;
      const last = spans[s * 4 + 2]!;
      const k = spans[s * 4 + 3]!;
      const ux = planes[k * 3 + 1]!;
      const rowU = planes[k * 3]! + planes[k * 3 + 2]! * y;
      if (y !== rowY) {
        rowY = y;
        const gy = (y + 0.5 - oy) / cellSize - 0.5;
        const cy = Math.floor(gy);
        fy = gy - cy;
        rowCells = cy * gw;
      }
      const offset = y * width;
      // The span's background in the packed buffer (see `saveBackground`): pixel o's at o + shift.
      const from = keptFrom(first, last, rowU, ux);
      const shift = kept - from - offset;
      kept += keptTo(first, last, rowU, ux) - from + 1;
      // Band code 1 + u·127 per pixel, stepped in 16.16 fixed point (u is linear along the span).
      // (Math.floor(t + 0.5) is Math.round for these values, and compiles to less.)
      let q = Math.floor((1.5 + (rowU + ux * first) * codeScale) * 65536 + 0.5);
      const dq = Math.floor(ux * codeScale * 65536 + 0.5);
      for (let x = first; x <= last; ) {
        // The piece of pixels of one kind from x: until the code leaves the kind's range.
        const c = q >> 16;
        const range = rangeOf[c < 1 ? 1 : c > 255 ? 255 : c]!;
        const kind = kindOf[range]!;
        // Most spans lie in one range from end to end (the ranges are intervals of the code,
        // linear along the span): no division then.
        const cLast = (q + dq * (last - x)) >> 16;
        let pieceEnd = last;
        if (rangeOf[cLast < 1 ? 1 : cLast > 255 ? 255 : cLast] === range) {
          pieceEnd = last;
        } else if (dq > 0 && highest[range]! < 255) {
          pieceEnd = Math.min(last, x + Math.ceil(((highest[range]! + 1) * 65536 - q) / dq) - 1);
        } else if (dq < 0 && lowest[range]! > 1) {
          pieceEnd = Math.min(last, x + Math.floor((q - lowest[range]! * 65536) / -dq));
        }
        // Cell centres sit at ox + 8·cx + 4: pixel x lies between columns cx and cx + 1 for
        // x ∈ [ox + 8·cx + 4, ox + 8·cx + 11]. `i` is column cx's cell at the row above the
        // pixel, `cross` the pixel past column cx + 1, `at` x's distance from column cx.
        const cx = (x - ox - half) >> cellShift;
        let i = (rowCells + cx) * 6;
        let cross = offset + ox + (cx << cellShift) + half + cellSize;
        const at = (x - ox - (cx << cellShift) - half + 0.5) * step;
        const end = offset + pieceEnd;
        // At a column crossed, the first pixel is half a pixel past the column.
        const halfStep = 0.5 * step;
        if (kind === solidFlat) {
          // F + P1, the guard 1 all along: P1 in 16.16 fixed point, set afresh at each column,
          // the rounding's half added once (flooring a negative sum instead of truncating it
          // changes nothing: it clamps to 0).
          let l0 = fields[i + 3]! + (fields[i + stride + 3]! - fields[i + 3]!) * fy;
          let l1 = fields[i + 4]! + (fields[i + stride + 4]! - fields[i + 4]!) * fy;
          let l2 = fields[i + 5]! + (fields[i + stride + 5]! - fields[i + 5]!) * fy;
          let r0 = fields[i + 9]! + (fields[i + stride + 9]! - fields[i + 9]!) * fy;
          let r1 = fields[i + 10]! + (fields[i + stride + 10]! - fields[i + 10]!) * fy;
          let r2 = fields[i + 11]! + (fields[i + stride + 11]! - fields[i + 11]!) * fy;
          let f0 = ((l0 + (r0 - l0) * at) * 65536 + 32768) | 0;
          let f1 = ((l1 + (r1 - l1) * at) * 65536 + 32768) | 0;
          let f2 = ((l2 + (r2 - l2) * at) * 65536 + 32768) | 0;
          let e0 = ((r0 - l0) * step * 65536) | 0;
          let e1 = ((r1 - l1) * step * 65536) | 0;
          let e2 = ((r2 - l2) * step * 65536) | 0;
          for (let o = offset + x; o <= end; o++, f0 += e0, f1 += e1, f2 += e2) {
            if (o === cross) {
              cross += cellSize;
              i += 6;
              l0 = r0;
              l1 = r1;
              l2 = r2;
              r0 = fields[i + 9]! + (fields[i + stride + 9]! - fields[i + 9]!) * fy;
              r1 = fields[i + 10]! + (fields[i + stride + 10]! - fields[i + 10]!) * fy;
              r2 = fields[i + 11]! + (fields[i + stride + 11]! - fields[i + 11]!) * fy;
              f0 = ((l0 + (r0 - l0) * halfStep) * 65536 + 32768) | 0;
              f1 = ((l1 + (r1 - l1) * halfStep) * 65536 + 32768) | 0;
              f2 = ((l2 + (r2 - l2) * halfStep) * 65536 + 32768) | 0;
              e0 = ((r0 - l0) * step * 65536) | 0;
              e1 = ((r1 - l1) * step * 65536) | 0;
              e2 = ((r2 - l2) * step * 65536) | 0;
            }
            const v = frame[o]!;
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
          q += dq * (pieceEnd - x + 1);
        } else if (kind === mixed) {
          // Both fields, P0 (a) and P1 (b), mixed by the detail mask:
          // B + w·(F − B) + g·(P0 + w·(P1 − P0)).
          let la0 = fields[i]! + (fields[i + stride]! - fields[i]!) * fy;
          let la1 = fields[i + 1]! + (fields[i + stride + 1]! - fields[i + 1]!) * fy;
          let la2 = fields[i + 2]! + (fields[i + stride + 2]! - fields[i + 2]!) * fy;
          let lb0 = fields[i + 3]! + (fields[i + stride + 3]! - fields[i + 3]!) * fy;
          let lb1 = fields[i + 4]! + (fields[i + stride + 4]! - fields[i + 4]!) * fy;
          let lb2 = fields[i + 5]! + (fields[i + stride + 5]! - fields[i + 5]!) * fy;
          let da0 = (fields[i + 6]! + (fields[i + stride + 6]! - fields[i + 6]!) * fy - la0) * step;
          let da1 = (fields[i + 7]! + (fields[i + stride + 7]! - fields[i + 7]!) * fy - la1) * step;
          let da2 = (fields[i + 8]! + (fields[i + stride + 8]! - fields[i + 8]!) * fy - la2) * step;
          let db0 = (fields[i + 9]! + (fields[i + stride + 9]! - fields[i + 9]!) * fy - lb0) * step;
          let db1 = (fields[i + 10]! + (fields[i + stride + 10]! - fields[i + 10]!) * fy - lb1) * step;
          let db2 = (fields[i + 11]! + (fields[i + stride + 11]! - fields[i + 11]!) * fy - lb2) * step;
          let p0 = la0 + da0 * cellSize * at;
          let p1 = la1 + da1 * cellSize * at;
          let p2 = la2 + da2 * cellSize * at;
          let t0 = lb0 + db0 * cellSize * at;
          let t1 = lb1 + db1 * cellSize * at;
          let t2 = lb2 + db2 * cellSize * at;
          for (let o = offset + x; o <= end; o++, q += dq) {
            if (o === cross) {
              cross += cellSize;
              i += 6;
              la0 = fields[i]! + (fields[i + stride]! - fields[i]!) * fy;
              la1 = fields[i + 1]! + (fields[i + stride + 1]! - fields[i + 1]!) * fy;
              la2 = fields[i + 2]! + (fields[i + stride + 2]! - fields[i + 2]!) * fy;
              lb0 = fields[i + 3]! + (fields[i + stride + 3]! - fields[i + 3]!) * fy;
              lb1 = fields[i + 4]! + (fields[i + stride + 4]! - fields[i + 4]!) * fy;
              lb2 = fields[i + 5]! + (fields[i + stride + 5]! - fields[i + 5]!) * fy;
              da0 = (fields[i + 6]! + (fields[i + stride + 6]! - fields[i + 6]!) * fy - la0) * step;
              da1 = (fields[i + 7]! + (fields[i + stride + 7]! - fields[i + 7]!) * fy - la1) * step;
              da2 = (fields[i + 8]! + (fields[i + stride + 8]! - fields[i + 8]!) * fy - la2) * step;
              db0 = (fields[i + 9]! + (fields[i + stride + 9]! - fields[i + 9]!) * fy - lb0) * step;
              db1 = (fields[i + 10]! + (fields[i + stride + 10]! - fields[i + 10]!) * fy - lb1) * step;
              db2 = (fields[i + 11]! + (fields[i + stride + 11]! - fields[i + 11]!) * fy - lb2) * step;
              p0 = la0 + da0 * 0.5;
              p1 = la1 + da1 * 0.5;
              p2 = la2 + da2 * 0.5;
              t0 = lb0 + db0 * 0.5;
              t1 = lb1 + db1 * 0.5;
              t2 = lb2 + db2 * 0.5;
            }
            const code = q >> 16;
            const w = detail[code]!;
            const g = guard[code]!;
            const f = frame[o]!;
            const b = background[o + shift]!;
            const br = b & 255;
            const bg = (b >> 8) & 255;
            const bb = (b >> 16) & 255;
            let r = (br + w * ((f & 255) - br) + g * (p0 + w * (t0 - p0)) + 0.5) | 0;
            let gr = (bg + w * (((f >> 8) & 255) - bg) + g * (p1 + w * (t1 - p1)) + 0.5) | 0;
            let bl = (bb + w * (((f >> 16) & 255) - bb) + g * (p2 + w * (t2 - p2)) + 0.5) | 0;
            if ((r | gr | bl) & ~255) {
              r = r < 0 ? 0 : r > 255 ? 255 : r;
              gr = gr < 0 ? 0 : gr > 255 ? 255 : gr;
              bl = bl < 0 ? 0 : bl > 255 ? 255 : bl;
            }
            frame[o] = (b & 0xff000000) | r | (gr << 8) | (bl << 16);
            p0 += da0;
            p1 += da1;
            p2 += da2;
            t0 += db0;
            t1 += db1;
            t2 += db2;
          }
        } else {
          // One field and the guard: F + g·P1 at the inner edge, B + g·P0 at the outer one.
          const source = kind === solidEdge ? frame : background;
          const at0 = kind === solidEdge ? 0 : shift;
          const field = kind === solidEdge ? i + 3 : i;
          i = field;
          let l0 = fields[i]! + (fields[i + stride]! - fields[i]!) * fy;
          let l1 = fields[i + 1]! + (fields[i + stride + 1]! - fields[i + 1]!) * fy;
          let l2 = fields[i + 2]! + (fields[i + stride + 2]! - fields[i + 2]!) * fy;
          let d0 = (fields[i + 6]! + (fields[i + stride + 6]! - fields[i + 6]!) * fy - l0) * step;
          let d1 = (fields[i + 7]! + (fields[i + stride + 7]! - fields[i + 7]!) * fy - l1) * step;
          let d2 = (fields[i + 8]! + (fields[i + stride + 8]! - fields[i + 8]!) * fy - l2) * step;
          let p0 = l0 + d0 * cellSize * at;
          let p1 = l1 + d1 * cellSize * at;
          let p2 = l2 + d2 * cellSize * at;
          for (let o = offset + x; o <= end; o++, p0 += d0, p1 += d1, p2 += d2, q += dq) {
            if (o === cross) {
              cross += cellSize;
              i += 6;
              l0 = fields[i]! + (fields[i + stride]! - fields[i]!) * fy;
              l1 = fields[i + 1]! + (fields[i + stride + 1]! - fields[i + 1]!) * fy;
              l2 = fields[i + 2]! + (fields[i + stride + 2]! - fields[i + 2]!) * fy;
              d0 = (fields[i + 6]! + (fields[i + stride + 6]! - fields[i + 6]!) * fy - l0) * step;
              d1 = (fields[i + 7]! + (fields[i + stride + 7]! - fields[i + 7]!) * fy - l1) * step;
              d2 = (fields[i + 8]! + (fields[i + stride + 8]! - fields[i + 8]!) * fy - l2) * step;
              p0 = l0 + d0 * 0.5;
              p1 = l1 + d1 * 0.5;
              p2 = l2 + d2 * 0.5;
            }
            const c = q >> 16;
            const g = guard[c < 1 ? 1 : c > 255 ? 255 : c]!;
            const v = source[o + at0]!;
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
        x = pieceEnd + 1;
      }
    }
  }
}

/*
 * The pixels of a span whose background `saveBackground` keeps: only where the detail mask is
 * below 1 (u past solidU; u is linear along the span, so a prefix, a suffix, all or none), with a
 * pixel of margin. Most spans lie wholly on one side of solidU: no division then. `keptFrom`
 * gives the first (last + 1 for none), `keptTo` the last (last for none).
 */
function keptFrom(first: number, last: number, rowU: number, ux: number): number {
  const uFirst = rowU + ux * first;
  const uLast = rowU + ux * last;
  if (uFirst <= solidU && uLast <= solidU) return last + 1;
  if (uFirst > solidU && uLast > solidU) return first;
  return ux > 0 ? Math.max(first, Math.floor((solidU - rowU) / ux)) : first;
}

function keptTo(first: number, last: number, rowU: number, ux: number): number {
  const uFirst = rowU + ux * first;
  const uLast = rowU + ux * last;
  if (uFirst <= solidU && uLast <= solidU) return last;
  if (uFirst > solidU && uLast > solidU) return last;
  return ux > 0 ? last : Math.min(last, Math.ceil((solidU - rowU) / ux));
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
      // r and b side by side in one integer, as in `saveBackground`.
      let rb = 0;
      let g = 0;
      let o = offset + x;
      for (const end = offset + runEnd; o <= end; o += 2) {
        const f = frame[o]!;
        rb += f & 0xff00ff;
        g += (f >> 8) & 255;
      }
      const cell = (row + cx) * sumChannels;
      sums[cell] = sums[cell]! + (rb & 0xffff);
      sums[cell + 1] = sums[cell + 1]! + g;
      sums[cell + 2] = sums[cell + 2]! + (rb >>> 16);
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
