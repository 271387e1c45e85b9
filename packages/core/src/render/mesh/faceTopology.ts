import { faceMeshTriangles } from './faceMeshTriangles';
import { faceRegions } from './faceRegions';

/** What a triangle shows. */
export const triangleKind = {
  /** Skin: sampled from the photo; counts toward the skin colour statistics. */
  skin: 0,
  /** Eyes, brows, lips and the ring: sampled from the photo, kept out of the skin statistics. */
  feature: 1,
  /** Between the inner lips: drawn as a mouth interior, never sampled (the photo's mouth is shut). */
  mouth: 2,
} as const;

/**
 * The renderer's fixed mesh: the first 468 face-mesh points plus {@link ringPointCount} ring
 * points beyond the face outline (indices 468…), triangulated once. Every frame reuses it, so no
 * triangle ever flips or pops from re-triangulation.
 *
 * @internal
 */
export interface FaceTopology {
  /** 468 + ring points. */
  readonly vertexCount: number;
  /** Flat index triples. */
  readonly triangles: Uint16Array;
  /** {@link triangleKind} per triangle. */
  readonly kinds: Uint8Array;
  /** Opacity per vertex, 0…255: 255 on the face, 0 on the outer ring, so alpha fades across it. */
  readonly vertexAlpha: Uint8Array;
  /** For mouth triangles: per vertex 0 on the upper inner lip, 1 on the lower (else 0). */
  readonly mouthDepth: Float32Array;
  /** Per vertex 1 where the point lies on skin, 0 on a lid, brow or lip (and on the ring). */
  readonly skinPoint: Uint8Array;
}

/** Face-mesh points in the 468- and 478-point layouts alike. */
export const meshPointCount = 468;
/** One ring point beyond each point of the face outline. */
export const ringPointCount = faceRegions.oval.length;

/**
 * Triangles filling the opening between two lines that share their end points (`upper[0] ===
 * lower[0]`, `upper[n] === lower[n]`), pairing them point by point: a strip, so that when the
 * upper line moves onto the lower one (a blink, lips closing) every triangle collapses to a line.
 */
function stripBetween(upper: readonly number[], lower: readonly number[], out: number[]): void {
  const n = upper.length - 1;
  out.push(upper[0]!, upper[1]!, lower[1]!);
  for (let i = 1; i < n - 1; i++) {
    out.push(upper[i]!, upper[i + 1]!, lower[i + 1]!, upper[i]!, lower[i + 1]!, lower[i]!);
  }
  out.push(upper[n - 1]!, upper[n]!, lower[n - 1]!);
}

/**
 * Flip the triangles added after `from` where needed so that each runs against the directed edges
 * already used: a consistently oriented mesh, which is what makes a fold (a back-facing triangle)
 * show up as a sign change of its area.
 */
function orientAgainst(triangles: number[], from: number): void {
  const directed = new Set<number>();
  const key = (a: number, b: number) => a * 1024 + b;
  for (let i = 0; i < from; i += 3) {
    for (let k = 0; k < 3; k++) directed.add(key(triangles[i + k]!, triangles[i + ((k + 1) % 3)]!));
  }
  // Grow outward: a triangle is fixed once it shares an edge with an oriented one.
  let pending = true;
  const done = new Set<number>();
  while (pending) {
    pending = false;
    for (let i = from; i < triangles.length; i += 3) {
      if (done.has(i)) continue;
      let same = false;
      let opposite = false;
      for (let k = 0; k < 3; k++) {
        const a = triangles[i + k]!;
        const b = triangles[i + ((k + 1) % 3)]!;
        if (directed.has(key(a, b))) same = true;
        if (directed.has(key(b, a))) opposite = true;
      }
      if (!same && !opposite) continue;
      if (same) [triangles[i + 1], triangles[i + 2]] = [triangles[i + 2]!, triangles[i + 1]!];
      for (let k = 0; k < 3; k++) directed.add(key(triangles[i + k]!, triangles[i + ((k + 1) % 3)]!));
      done.add(i);
      pending = true;
    }
  }
}

let cached: FaceTopology | undefined;

/**
 * The renderer's mesh (see {@link FaceTopology}): MediaPipe's 852 triangles, the two eye
 * openings and the mouth filled with strips, and a strip from the face outline to the ring.
 * Built on first use and shared (it holds no personal data).
 *
 * @internal
 */
export function faceTopology(): FaceTopology {
  if (cached) return cached;
  const all = Array.from(faceMeshTriangles);
  const canonical = all.length;
  const r = faceRegions;
  stripBetween(r.imageLeftUpperLid, r.imageLeftLowerLid, all);
  stripBetween(r.imageRightUpperLid, r.imageRightLowerLid, all);
  const mouthFrom = all.length;
  stripBetween(r.upperInnerLip, r.lowerInnerLip, all);
  const ringFrom = all.length;
  const oval = r.oval;
  for (let i = 0; i < oval.length; i++) {
    const j = (i + 1) % oval.length;
    const ringI = meshPointCount + i;
    const ringJ = meshPointCount + j;
    all.push(oval[i]!, oval[j]!, ringJ, oval[i]!, ringJ, ringI);
  }
  orientAgainst(all, canonical);

  const triangleCount = all.length / 3;
  const features = new Set<number>([
    ...r.imageLeftUpperLid, ...r.imageLeftLowerLid, ...r.imageRightUpperLid, ...r.imageRightLowerLid,
    ...r.imageLeftBrow, ...r.imageRightBrow,
    ...r.upperInnerLip, ...r.lowerInnerLip, ...r.upperOuterLip, ...r.lowerOuterLip,
  ]);
  const kinds = new Uint8Array(triangleCount);
  for (let t = 0; t < triangleCount; t++) {
    const at = t * 3;
    if (at >= mouthFrom && at < ringFrom) kinds[t] = triangleKind.mouth;
    else if (at >= ringFrom || [0, 1, 2].some((k) => features.has(all[at + k]!))) kinds[t] = triangleKind.feature;
  }
  const vertexCount = meshPointCount + ringPointCount;
  const vertexAlpha = new Uint8Array(vertexCount);
  vertexAlpha.fill(255, 0, meshPointCount);
  const mouthDepth = new Float32Array(vertexCount);
  for (const i of r.lowerInnerLip) mouthDepth[i] = 1;
  mouthDepth[r.lowerInnerLip[0]!] = 0;
  mouthDepth[r.lowerInnerLip.at(-1)!] = 0;
  const skinPoint = new Uint8Array(vertexCount);
  for (let i = 0; i < meshPointCount; i++) skinPoint[i] = features.has(i) ? 0 : 1;
  cached = { vertexCount, triangles: Uint16Array.from(all), kinds, vertexAlpha, mouthDepth, skinPoint };
  return cached;
}
