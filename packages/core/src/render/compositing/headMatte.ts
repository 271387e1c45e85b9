import type { FaceLandmarks } from '../../detect/faceLandmarks';
import type { RgbaImage } from '../../ports/rgbaImage';
import type { PersonMatte } from '../../segment/personMatte';
import type { Wiper } from '../../purge/wiper';
import { zeroFillAndVerify } from '../../purge/zeroFill';
import { renderSquareCrop } from '../../segment/squareCropInput';
import { colourEdges, edgesPerCell, geodesicDistanceOnEdges } from './geodesicEdges';
import { guidedFilter } from './guidedFilter';
import { headBounds, headFrame, headPrior, headSegmentRegion } from './headGeometry';

/**
 * One person's head and hair as a soft alpha at photo resolution: what the head layer cuts out.
 * Personal (it outlines the head), so it is only held in handles of kind `'matte'`.
 *
 * @public
 */
export interface HeadMatte {
  /** `[x, y, width, height]`: the photo rectangle the alpha covers, whole pixels inside the photo. */
  readonly region: Int32Array;
  /** `width × height` opacities, 0 (not head) … 255 (head), rows top to bottom. */
  readonly alpha: Uint8Array;
}

/**
 * Wipes a {@link HeadMatte}: region and alpha zero-filled and read back.
 *
 * @public
 */
export const headMatteWiper: Wiper<HeadMatte> = {
  name: 'head-matte',
  matches: (value): value is HeadMatte =>
    typeof value === 'object' && value !== null && (value as HeadMatte).region instanceof Int32Array && (value as HeadMatte).alpha instanceof Uint8Array,
  measure: (value) => value.region.byteLength + value.alpha.byteLength,
  wipe: (value) => {
    const region = zeroFillAndVerify(new Uint8Array(value.region.buffer, value.region.byteOffset, value.region.byteLength));
    const alpha = zeroFillAndVerify(value.alpha);
    return { method: 'zero-fill', bytes: value.region.byteLength + value.alpha.byteLength, verified: region && alpha };
  },
};

/** Below this mean person probability over the face, the photo has no person matte there. */
const presentThreshold = 0.5;
/** Cells at least this likely (after the head prior) form the head's connected region. */
const componentThreshold = 0.3;
/** Cells this close (in cells) to the head's region keep their soft values: the edge. */
const edgeCells = 2;
/** The model's unsure band, narrowed to this range before the guided filter sharpens it on the photo. */
const sureFrom = 0.35;
const sureTo = 0.65;
/** Per-cell cost of a geodesic step, against colour differences in 0…1 (RGB distance). */
const geodesicStep = 0.003;
/** How close (in geodesic cost) the two distances may be before a cell counts as someone else's. */
const vetoSoftness = 0.05;
/** The guide's variance that counts as an edge (luminance in 0…1): hair strands, not noise. */
const guideEpsilon = 1e-4;

/**
 * The square of the photo to segment for the face `landmarks` (`[x, y, side]`, photo pixels,
 * possibly past the edges), or undefined for landmarks that are not a 468/478-point mesh. The
 * caller wipes it.
 *
 * @internal
 */
export function headSegmentationRegion(landmarks: FaceLandmarks): Float32Array | undefined {
  const frame = headFrame(landmarks.points, landmarks.pointCount);
  if (!frame) return undefined;
  try {
    return headSegmentRegion(frame);
  } finally {
    frame.fill(0);
  }
}

/** Where matte cell (i, j)'s centre lies in the face's frame: `[u, v]` (in face heights) into `out`. */
function cellInFace(person: PersonMatte, frame: Float64Array, i: number, j: number, out: Float64Array): void {
  const cell = person.region[2]! / person.size;
  const dx = person.region[0]! + (i + 0.5) * cell - frame[0]!;
  const dy = person.region[1]! + (j + 0.5) * cell - frame[1]!;
  out[0] = (dx * frame[4]! + dy * frame[5]!) / frame[6]!;
  out[1] = (dx * frame[2]! + dy * frame[3]!) / frame[6]!;
}

/** The face's middle, between mouth and brows: certainly this person's head. */
function isFaceMiddle(u: number, v: number): boolean {
  return Math.abs(u) <= 0.25 && v >= 0.2 && v <= 0.9;
}

/** 0 below `from`, 1 above `to`, smooth between: the model's unsure band made narrow. */
function smoothstep(from: number, to: number, value: number): number {
  const t = Math.min(1, Math.max(0, (value - from) / (to - from)));
  return t * t * (3 - 2 * t);
}

/**
 * Lower `restricted` where another person's body or hair reaches into the head prior: cells
 * nearer (geodesically, through the photo's colours) to person cells outside the prior and above
 * the chin — someone else, since this person's own body lies below the chin — than to the
 * face's middle. Colour edges are what separate a head from the jumper behind it; the person
 * matte alone cannot, it sees one person-shaped blob.
 */
function vetoOthers(photo: RgbaImage, person: PersonMatte, frame: Float64Array, restricted: Float32Array): void {
  const size = person.size;
  const n = size * size;
  const colours = new Float32Array(n * 3);
  const faceSeeds = new Uint8Array(n);
  const otherSeeds = new Uint8Array(n);
  const toFace = new Float32Array(n);
  const toOthers = new Float32Array(n);
  const at = new Float64Array(2);
  let edges: Float64Array | undefined;
  try {
    let others = 0;
    for (let j = 0; j < size; j++) {
      for (let i = 0; i < size; i++) {
        const k = j * size + i;
        cellInFace(person, frame, i, j, at);
        if (isFaceMiddle(at[0]!, at[1]!)) faceSeeds[k] = 1;
        else if (at[1]! > 0 && person.alpha[k]! >= 0.5 && headPriorAtCell(person, frame, i, j) === 0) {
          otherSeeds[k] = 1;
          others++;
        }
      }
    }
    if (others === 0) return;
    renderSquareCrop(photo.pixels.value, photo.width, photo.height, person.region[0]!, person.region[1]!, person.region[2]!, size, colours);
    // Both fields cross the same colour edges: measured once (the same distances as geodesicDistance's).
    edges = new Float64Array(n * edgesPerCell);
    colourEdges(colours, size, edges);
    geodesicDistanceOnEdges(edges, faceSeeds, size, geodesicStep, toFace);
    geodesicDistanceOnEdges(edges, otherSeeds, size, geodesicStep, toOthers);
    for (let k = 0; k < n; k++) {
      const margin = toOthers[k]! - toFace[k]!;
      if (restricted[k]! > 0 && margin < vetoSoftness) restricted[k] = restricted[k]! * Math.max(0, (margin + vetoSoftness) / (2 * vetoSoftness));
    }
  } finally {
    colours.fill(0);
    faceSeeds.fill(0);
    otherSeeds.fill(0);
    toFace.fill(0);
    toOthers.fill(0);
    edges?.fill(0);
    at.fill(0);
  }
}

function headPriorAtCell(person: PersonMatte, frame: Float64Array, i: number, j: number): number {
  const cell = person.region[2]! / person.size;
  return headPrior(frame, person.region[0]! + (i + 0.5) * cell, person.region[1]! + (j + 0.5) * cell);
}

/**
 * The person matte, its unsure band narrowed, with other people vetoed and only the cells
 * connected to the face within the head prior kept (plus a soft edge of {@link edgeCells}).
 * The prior itself is applied at full resolution, after the edges are refined, so that its
 * fades (the neck) stay as gradual as it says. Returns undefined when the face itself is not
 * person.
 */
function restrictToHead(photo: RgbaImage, person: PersonMatte, frame: Float64Array): Float32Array | undefined {
  const size = person.size;
  const restricted = new Float32Array(size * size);
  const prior = new Float32Array(size * size);
  const at = new Float64Array(2);
  let faceSum = 0;
  let faceCells = 0;
  for (let j = 0; j < size; j++) {
    for (let i = 0; i < size; i++) {
      const value = person.alpha[j * size + i]!;
      restricted[j * size + i] = smoothstep(sureFrom, sureTo, value);
      prior[j * size + i] = headPriorAtCell(person, frame, i, j);
      cellInFace(person, frame, i, j, at);
      if (isFaceMiddle(at[0]!, at[1]!)) {
        faceSum += value;
        faceCells++;
      }
    }
  }
  if (faceCells === 0 || faceSum / faceCells < presentThreshold) {
    restricted.fill(0);
    prior.fill(0);
    at.fill(0);
    return undefined;
  }
  vetoOthers(photo, person, frame, restricted);
  // Flood from every likely cell in the face's middle, through likely cells.
  const reached = new Uint8Array(size * size);
  const stack = new Int32Array(size * size);
  let top = 0;
  for (let j = 0; j < size; j++) {
    for (let i = 0; i < size; i++) {
      const k = j * size + i;
      cellInFace(person, frame, i, j, at);
      if (isFaceMiddle(at[0]!, at[1]!) && restricted[k]! * prior[k]! >= componentThreshold) {
        reached[k] = 1;
        stack[top++] = k;
      }
    }
  }
  at.fill(0);
  while (top > 0) {
    const k = stack[--top]!;
    const i = k % size;
    const j = (k - i) / size;
    for (const [di, dj] of [[1, 0], [-1, 0], [0, 1], [0, -1]] as const) {
      const ni = i + di;
      const nj = j + dj;
      if (ni < 0 || nj < 0 || ni >= size || nj >= size) continue;
      const nk = nj * size + ni;
      if (reached[nk] === 0 && restricted[nk]! * prior[nk]! >= componentThreshold) {
        reached[nk] = 1;
        stack[top++] = nk;
      }
    }
  }
  // Keep the region and its soft edge; zero the rest.
  for (let j = 0; j < size; j++) {
    for (let i = 0; i < size; i++) {
      let near = false;
      for (let dj = -edgeCells; dj <= edgeCells && !near; dj++) {
        const nj = j + dj;
        if (nj < 0 || nj >= size) continue;
        for (let di = -edgeCells; di <= edgeCells && !near; di++) {
          const ni = i + di;
          near = ni >= 0 && ni < size && reached[nj * size + ni] === 1;
        }
      }
      if (!near) restricted[j * size + i] = 0;
    }
  }
  reached.fill(0);
  stack.fill(0);
  prior.fill(0);
  return restricted;
}

/** Bilinear sample of a `size × size` grid at cell coordinates (cx, cy), clamped at the edges. */
function sampleGrid(grid: Float32Array, size: number, cx: number, cy: number): number {
  const x = Math.min(size - 1, Math.max(0, cx));
  const y = Math.min(size - 1, Math.max(0, cy));
  const x0 = Math.min(size - 2, Math.floor(x));
  const y0 = Math.min(size - 2, Math.floor(y));
  const fx = x - x0;
  const fy = y - y0;
  const top = grid[y0 * size + x0]! * (1 - fx) + grid[y0 * size + x0 + 1]! * fx;
  const bottom = grid[(y0 + 1) * size + x0]! * (1 - fx) + grid[(y0 + 1) * size + x0 + 1]! * fx;
  return top * (1 - fy) + bottom * fy;
}

/**
 * The matte cut to the smallest rectangle holding every non-zero alpha: the prior's box has
 * empty corners, and the layer visits every pixel of its box in every frame. The untrimmed
 * array is zeroed.
 */
function trimmed(alpha: Uint8Array, x0: number, y0: number, width: number, height: number): HeadMatte | undefined {
  let left = width;
  let right = -1;
  let top = height;
  let bottom = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (alpha[y * width + x] === 0) continue;
      if (x < left) left = x;
      if (x > right) right = x;
      if (y < top) top = y;
      bottom = y;
    }
  }
  if (right < 0) {
    alpha.fill(0);
    return undefined;
  }
  const w = right - left + 1;
  const h = bottom - top + 1;
  const cut = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) cut.set(alpha.subarray((top + y) * width + left, (top + y) * width + left + w), y * w);
  alpha.fill(0);
  return { region: Int32Array.of(x0 + left, y0 + top, w, h), alpha: cut };
}

/**
 * Cut one person's head out of a person matte: the matte restricted to the head and hair of the
 * face `landmarks` (a skull-shaped prior placed by the mesh, plus a neck that fades out within
 * 0.4 face heights below the chin), cells not connected to the face dropped (other people), then
 * brought to photo resolution with a guided filter on the photo's luminance, so that the alpha's
 * edges follow the hair's rather than the matte's 256-cell grid. A head cut by the photo's edge
 * is clipped there.
 *
 * Returns undefined when the person matte does not cover the face (nobody there, as the model
 * sees it): the caller falls back to the face cut. Every intermediate is zeroed; the result is
 * the caller's to hold (kind `'matte'`, {@link headMatteWiper}).
 *
 * @internal
 */
export function buildHeadMatte(photo: RgbaImage, landmarks: FaceLandmarks, person: PersonMatte): HeadMatte | undefined {
  const frame = headFrame(landmarks.points, landmarks.pointCount);
  if (!frame) return undefined;
  let restricted: Float32Array | undefined;
  let bounds: Int32Array | undefined;
  try {
    restricted = restrictToHead(photo, person, frame);
    if (!restricted) return undefined;
    bounds = headBounds(frame, photo.width, photo.height);
    const x0 = bounds[0]!;
    const y0 = bounds[1]!;
    const width = bounds[2]! - x0;
    const height = bounds[3]! - y0;
    if (width < 1 || height < 1) return undefined;
    const pixels = photo.pixels.value;
    const n = width * height;
    const guide = new Float32Array(n);
    const soft = new Float32Array(n);
    const cell = person.region[2]! / person.size;
    try {
      for (let y = 0; y < height; y++) {
        const cy = (y0 + y + 0.5 - person.region[1]!) / cell - 0.5;
        for (let x = 0; x < width; x++) {
          const p = ((y0 + y) * photo.width + x0 + x) * 4;
          guide[y * width + x] = (0.299 * pixels[p]! + 0.587 * pixels[p + 1]! + 0.114 * pixels[p + 2]!) / 255;
          const cx = (x0 + x + 0.5 - person.region[0]!) / cell - 0.5;
          soft[y * width + x] = sampleGrid(restricted, person.size, cx, cy);
        }
      }
      // A window of about 1.5 matte cells: wide enough to see across a cell's blocky edge.
      guidedFilter(guide, soft, width, height, Math.max(2, Math.round(cell * 1.5)), guideEpsilon);
      const alpha = new Uint8Array(n);
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const k = y * width + x;
          // The filter leaves a band of half-values where the photo is flat across the matte's edge;
          // a contrast curve turns it back into an edge about one window wide.
          const value = smoothstep(0.15, 0.85, soft[k]!) * headPrior(frame, x0 + x + 0.5, y0 + y + 0.5);
          alpha[k] = value <= 0 ? 0 : value >= 1 ? 255 : Math.round(value * 255);
        }
      }
      return trimmed(alpha, x0, y0, width, height);
    } finally {
      guide.fill(0);
      soft.fill(0);
    }
  } finally {
    frame.fill(0);
    restricted?.fill(0);
    bounds?.fill(0);
  }
}
