import { faceRegions } from './faceRegions';
import { meshPointCount } from './faceTopology';

/** How far past the outline the ring sits, as a fraction of the distance from the face centre. */
const sidePush = 0.12;
/** Extra push toward the top of the head, so that the ring takes in the forehead to the hairline. */
const foreheadPush = 0.16;

const chin = 152;
const forehead = 10;

/**
 * Write the ring points (one per face-outline point, pushed outward from the face's centre) into
 * `vertices` after the first 468 mesh points, in place: `vertices` holds `(468 + 36) * stride`
 * numbers, `x, y[, z]` per point, the mesh already filled in. The rule is the same for the photo
 * and for every frame, so the ring's triangles (faceTopology.ts) stay the same and only move.
 *
 * The push grows toward the face's own top (chin → forehead direction, whatever the roll), where
 * the mesh stops at mid-forehead; a ring point keeps the depth of its outline point.
 *
 * @internal
 */
export function placeOuterRing(vertices: Float32Array, stride: 2 | 3): void {
  const oval = faceRegions.oval;
  let cx = 0;
  let cy = 0;
  for (const i of oval) {
    cx += vertices[i * stride]!;
    cy += vertices[i * stride + 1]!;
  }
  cx /= oval.length;
  cy /= oval.length;
  let upX = vertices[forehead * stride]! - vertices[chin * stride]!;
  let upY = vertices[forehead * stride + 1]! - vertices[chin * stride + 1]!;
  const upLength = Math.hypot(upX, upY) || 1;
  upX /= upLength;
  upY /= upLength;
  for (let k = 0; k < oval.length; k++) {
    const i = oval[k]!;
    const dx = vertices[i * stride]! - cx;
    const dy = vertices[i * stride + 1]! - cy;
    const up = Math.max(0, (dx * upX + dy * upY) / (Math.hypot(dx, dy) || 1));
    const push = sidePush + foreheadPush * up * up;
    const at = (meshPointCount + k) * stride;
    vertices[at] = cx + dx * (1 + push);
    vertices[at + 1] = cy + dy * (1 + push);
    if (stride === 3) vertices[at + 2] = vertices[i * 3 + 2]!;
  }
}
