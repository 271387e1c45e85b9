import type { EphemeralHandle } from '../../purge/ephemeralHandle';
import type { EphemeralScope } from '../../purge/ephemeralScope';
import { faceRegions } from '../mesh/faceRegions';
import { faceTopology, meshPointCount, triangleKind } from '../mesh/faceTopology';
import { frontSign } from '../mesh/meshWarp';
import { addExclusionPlane, clearExclusion, excludeInsidePolygon, exclusionLength } from './frameExclusion';
import type { FrameExclusion } from './frameExclusion';
import type { RenderQuality } from '../mesh/renderQuality';
import { innerPull } from '../mesh/seamBand';

/*
 * The part of a frame the mesh face will certainly cover opaquely, known before anything is drawn
 * under it: a layer drawn first (the head layer) skips it.
 *
 * Every triangle of the mesh proper (not the ring) is drawn opaque, and together they form a disc
 * whose border is the face outline (`faceRegions.oval`). A disc drawn onto the frame covers every
 * point the outline winds around, and the half-planes of the outline's edges hold only such points
 * (see frameExclusion.ts). With 'standard' and 'high' the face's own blending into what lies
 * under it reaches inside the outline, though: their seam band starts `innerPull` (15 %) of the way in
 * from the outline toward the outline's centre (seamBand.ts) and reads the frame under all of it. So the
 * region is the outline pulled that far toward its centre (not at all for 'draft', whose ring fades
 * outside the outline), its edges then moved `margin` inward: when the centre lies inside every
 * pulled edge (the outline is star-shaped from it, as a face's is), each band quad and each ring
 * quad lies beyond its own edge's line, and the region inside all of them is covered by the face
 * alone, fold or no fold.
 *
 * What could still leave a hole is a triangle the rasteriser skips (one with no area in the frame
 * or in the photo, or a mouth seen from behind): each triangle that might be skipped this frame is
 * cut off the region by one more half-plane between it and the face's centre. The rasteriser's
 * tests are loosened here by a factor, so that whatever it skips is cut off.
 *
 * The mesh reads the frame under it before it draws (its colour samples, at the skin points of
 * the target mesh): those pixels are listed as `keep`, for the layer under it to draw as before.
 */

/** Inward shift of every edge, in frame pixels: far above any rounding of the rasteriser. */
const margin = 2;
/** Vertex indices 0…35 of the pulled outline. */
const pulledOrder: readonly number[] = Array.from(faceRegions.oval, (_, k) => k);
/** Twice a triangle's area (px²) under which the rasteriser might skip it: its own bar (2·10⁻³), ×5. */
const tinyTarget = 1e-2;
/** Twice a source triangle's area (px²) under which the rasteriser might skip it: its bar (2·10⁻⁴), ×10. */
const tinySource = 2e-3;
/** Half-planes cut for skipped triangles before the region is given up as too broken. */
const maxCuts = 48;

/**
 * Builds, per frame, the {@link FrameExclusion} of the mesh face from its target mesh. Its buffers
 * (the region, the kept pixels, which photo triangles have no area) are held in `scope`.
 *
 * @internal
 */
export class MeshFaceExclusion {
  readonly #width: number;
  readonly #height: number;
  readonly #region: EphemeralHandle<Float64Array>;
  readonly #keep: EphemeralHandle<Int32Array>;
  /** This frame's pulled outline, `[x, y]` per oval point. */
  readonly #pulled: EphemeralHandle<Float64Array>;
  /** Per triangle: 1 when its photo (source) triangle has next to no area. */
  readonly #flatInPhoto: EphemeralHandle<Uint8Array>;
  readonly #front: number;
  readonly #pull: number;
  readonly #result: FrameExclusion;

  /**
   * @param photoMesh - the photo's mesh, 468 points (x, y, z) in photo pixels.
   * @param width - frame width; `height` likewise.
   * @param quality - the mesh compositor's; default 'standard'.
   */
  constructor(scope: EphemeralScope, photoMesh: Float32Array, width: number, height: number, quality: RenderQuality = 'standard') {
    // The seam band's inner edge: the outline pulled `innerPull` of the way toward its centre.
    this.#pull = quality === 'draft' ? 0 : innerPull;
    this.#width = width;
    this.#height = height;
    const topology = faceTopology();
    const kinds = topology.kinds;
    const triangles = topology.triangles;
    const transform = 'face-transform' as const;
    this.#region = scope.hold(new Float64Array(exclusionLength(faceRegions.oval.length + maxCuts)), { kind: transform, label: 'mesh.exclusion' });
    this.#keep = scope.hold(new Int32Array(meshPointCount + 1), { kind: transform, label: 'mesh.exclusion-keep' });
    this.#pulled = scope.hold(new Float64Array(faceRegions.oval.length * 2), { kind: transform, label: 'mesh.exclusion-outline' });
    const flat = scope.hold(new Uint8Array(kinds.length), { kind: 'landmarks', label: 'mesh.flat-in-photo' });
    this.#flatInPhoto = flat;
    for (let k = 0; k < kinds.length; k++) {
      const a = triangles[k * 3]!;
      const b = triangles[k * 3 + 1]!;
      const c = triangles[k * 3 + 2]!;
      if (a >= meshPointCount || b >= meshPointCount || c >= meshPointCount) continue;
      flat.value[k] = Math.abs(doubleArea(photoMesh, a, b, c)) > tinySource ? 0 : 1;
    }
    this.#front = frontSign(photoMesh, 3, topology);
    this.#result = { region: this.#region.value, keep: this.#keep.value };
  }

  /**
   * The region of this frame the face drawn onto `target` (468+ points, x, y, z, frame pixels)
   * covers opaquely, with the pixels it samples first; undefined when there is none.
   */
  build(target: Float32Array): FrameExclusion | undefined {
    const region = this.#region.value;
    const keep = this.#keep.value;
    keep[0] = 0;
    const oval = faceRegions.oval;
    let cx = 0;
    let cy = 0;
    for (const i of oval) {
      cx += target[i * 3]!;
      cy += target[i * 3 + 1]!;
    }
    cx /= oval.length;
    cy /= oval.length;
    const pulled = this.#pulled.value;
    const pull = this.#pull;
    for (let k = 0; k < oval.length; k++) {
      pulled[2 * k] = cx + (target[oval[k]! * 3]! - cx) * (1 - pull);
      pulled[2 * k + 1] = cy + (target[oval[k]! * 3 + 1]! - cy) * (1 - pull);
    }
    if (!excludeInsidePolygon(pulled, 2, pulledOrder, margin, region) || !holds(region, cx, cy)) {
      clearExclusion(region);
      return undefined;
    }
    if (!this.#cutSkippable(target, region, cx, cy)) {
      clearExclusion(region);
      return undefined;
    }
    this.#listSamples(target, keep);
    return this.#result;
  }

  /** Cut off every triangle the rasteriser might skip this frame; false when that fails. */
  #cutSkippable(target: Float32Array, region: Float64Array, cx: number, cy: number): boolean {
    const topology = faceTopology();
    const kinds = topology.kinds;
    const triangles = topology.triangles;
    const flat = this.#flatInPhoto.value;
    for (let k = 0; k < kinds.length; k++) {
      const a = triangles[k * 3]!;
      const b = triangles[k * 3 + 1]!;
      const c = triangles[k * 3 + 2]!;
      if (a >= meshPointCount || b >= meshPointCount || c >= meshPointCount) continue;
      const area = doubleArea(target, a, b, c);
      const skippable =
        !(Math.abs(area) > tinyTarget) || flat[k] === 1 || (kinds[k] === triangleKind.mouth && area * this.#front < 0);
      if (!skippable || outside(region, target, a, b, c)) continue;
      // The half-plane through the triangle's vertex nearest the centre, facing the centre.
      const mx = (target[a * 3]! + target[b * 3]! + target[c * 3]!) / 3;
      const my = (target[a * 3 + 1]! + target[b * 3 + 1]! + target[c * 3 + 1]!) / 3;
      const length = Math.hypot(cx - mx, cy - my);
      if (!(length > 1e-6)) return false;
      const nx = (cx - mx) / length;
      const ny = (cy - my) / length;
      const reach = Math.max(
        nx * target[a * 3]! + ny * target[a * 3 + 1]!,
        nx * target[b * 3]! + ny * target[b * 3 + 1]!,
        nx * target[c * 3]! + ny * target[c * 3 + 1]!,
      );
      if (!addExclusionPlane(region, nx, ny, -(reach + margin))) return false;
    }
    return region[0]! > 0;
  }

  /** The pixels the mesh compositor samples before drawing (skin points of the target), sorted. */
  #listSamples(target: Float32Array, keep: Int32Array): void {
    const skin = faceTopology().skinPoint;
    const width = this.#width;
    let count = 0;
    for (let i = 0; i < meshPointCount; i++) {
      if (skin[i] === 0) continue;
      const x = Math.floor(target[i * 3]!);
      const y = Math.floor(target[i * 3 + 1]!);
      if (!(x >= 0 && y >= 0 && x < width && y < this.#height)) continue;
      keep[++count] = y * width + x;
    }
    const list = keep.subarray(1, count + 1);
    list.sort();
    let unique = 0;
    for (let k = 0; k < count; k++) {
      if (unique === 0 || list[k] !== list[unique - 1]) list[unique++] = list[k]!;
    }
    keep.fill(0, unique + 1, count + 1);
    keep[0] = unique;
  }
}

/** Whether (x, y) lies strictly inside every half-plane of `region` (star-shaped from there). */
function holds(region: Float64Array, x: number, y: number): boolean {
  const count = region[0]!;
  for (let k = 0; k < count; k++) {
    const at = exclusionLength(k);
    if (!(region[at]! * x + region[at + 1]! * y + region[at + 2]! > 0)) return false;
  }
  return count > 0;
}

/** Twice the signed area of triangle (a, b, c) of a mesh with x, y, z per point. */
function doubleArea(points: Float32Array, a: number, b: number, c: number): number {
  const ax = points[a * 3]!;
  const ay = points[a * 3 + 1]!;
  return (points[b * 3]! - ax) * (points[c * 3 + 1]! - ay) - (points[c * 3]! - ax) * (points[b * 3 + 1]! - ay);
}

/** Whether one of `region`'s half-planes has the whole triangle on its outer side. */
function outside(region: Float64Array, points: Float32Array, a: number, b: number, c: number): boolean {
  const count = region[0]!;
  for (let k = 0; k < count; k++) {
    const at = exclusionLength(k);
    const pa = region[at]!;
    const pb = region[at + 1]!;
    const pc = region[at + 2]!;
    if (
      pa * points[a * 3]! + pb * points[a * 3 + 1]! + pc <= 0 &&
      pa * points[b * 3]! + pb * points[b * 3 + 1]! + pc <= 0 &&
      pa * points[c * 3]! + pb * points[c * 3 + 1]! + pc <= 0
    ) {
      return true;
    }
  }
  return false;
}
