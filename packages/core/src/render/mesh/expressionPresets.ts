import { faceRegions } from './faceRegions';
import { meshPointCount } from './faceTopology';

/**
 * Expressions as displacements of a face's own neutral mesh, so that a built-in template (which
 * has no recorded face to follow) can still make the user's face blink, smile and talk. Each
 * basis is `468 * 3` numbers (x, y, z per point) in the neutral mesh's pixels, scaled to the
 * face (its inter-ocular distance) and turned with it (its eye line), so the same weights give
 * the same expression on any face at any roll. An expression is a weighted sum of bases.
 *
 * Derived from the user's face: the caller holds the result in its scope.
 *
 * @internal
 */
export interface ExpressionBasis {
  /** Both eyes shut: each upper-lid point moves onto its lower-lid partner (which rises a little). */
  readonly blink: Float32Array;
  /** Mouth corners out and up, the cheeks around them following. */
  readonly smile: Float32Array;
  /** Jaw open: the lower lip, chin and jaw move down, most in the middle. */
  readonly open: Float32Array;
}

/** Where lids meet in a blink: this far from the lower lid toward the upper one. */
const lidMeet = 0.2;
/** How much of the upper lid's travel the crease row above it follows. */
const creaseFollow = 0.35;
/** Smile: corner travel outward and upward, and the reach of the pull, in inter-ocular distances. */
const smileOut = 0.085;
const smileUp = 0.06;
const smileReach = 0.3;
/** Open: jaw travel, the depth below the lip line over which it sets in, and its lateral reach. */
const openDrop = 0.3;
const openSetIn = 0.3;
const openReach = 0.75;

function centre(mesh: Float32Array, indices: readonly number[]): [number, number] {
  let x = 0;
  let y = 0;
  for (const i of indices) {
    x += mesh[i * 3]!;
    y += mesh[i * 3 + 1]!;
  }
  return [x / indices.length, y / indices.length];
}

/**
 * Build the expression bases of a neutral face mesh (468 or more points, x, y, z in pixels).
 *
 * @internal
 */
export function expressionBasis(neutral: Float32Array): ExpressionBasis {
  const r = faceRegions;
  const [lx, ly] = centre(neutral, [...r.imageLeftUpperLid, ...r.imageLeftLowerLid]);
  const [rx, ry] = centre(neutral, [...r.imageRightUpperLid, ...r.imageRightLowerLid]);
  const iod = Math.hypot(rx - lx, ry - ly) || 1;
  // Face axes: ex along the eye line (image left → right), ey down the face.
  const exX = (rx - lx) / iod;
  const exY = (ry - ly) / iod;
  const eyX = -exY;
  const eyY = exX;
  const n = meshPointCount;

  const blink = new Float32Array(n * 3);
  const lids = [
    [r.imageLeftUpperLid, r.imageLeftLowerLid, r.imageLeftLidCrease],
    [r.imageRightUpperLid, r.imageRightLowerLid, r.imageRightLidCrease],
  ] as const;
  for (const [upper, lower, crease] of lids) {
    for (let k = 1; k < upper.length - 1; k++) {
      const u = upper[k]!;
      const l = lower[k]!;
      for (let c = 0; c < 3; c++) {
        const meet = neutral[l * 3 + c]! + lidMeet * (neutral[u * 3 + c]! - neutral[l * 3 + c]!);
        blink[u * 3 + c] = meet - neutral[u * 3 + c]!;
        blink[l * 3 + c] = meet - neutral[l * 3 + c]!;
        blink[crease[k]! * 3 + c] = creaseFollow * blink[u * 3 + c]!;
      }
    }
  }

  const eyes = new Set<number>([
    ...r.imageLeftUpperLid, ...r.imageLeftLowerLid, ...r.imageRightUpperLid, ...r.imageRightLowerLid,
    ...r.imageLeftLidCrease, ...r.imageRightLidCrease,
  ]);
  const smile = new Float32Array(n * 3);
  const corners = [
    [61, -1],
    [291, 1],
  ] as const;
  const reach2 = 2 * (smileReach * iod) ** 2;
  for (const [corner, side] of corners) {
    const cx = neutral[corner * 3]!;
    const cy = neutral[corner * 3 + 1]!;
    const dx = (side * smileOut * exX - smileUp * eyX) * iod;
    const dy = (side * smileOut * exY - smileUp * eyY) * iod;
    for (let i = 0; i < n; i++) {
      if (eyes.has(i)) continue;
      const g = Math.exp(-((neutral[i * 3]! - cx) ** 2 + (neutral[i * 3 + 1]! - cy) ** 2) / reach2);
      smile[i * 3] = smile[i * 3]! + g * dx;
      smile[i * 3 + 1] = smile[i * 3 + 1]! + g * dy;
    }
  }

  const open = new Float32Array(n * 3);
  const [mx, my] = centre(neutral, [61, 291]);
  const halfWidth = Math.hypot(neutral[291 * 3]! - neutral[61 * 3]!, neutral[291 * 3 + 1]! - neutral[61 * 3 + 1]!) / 2 / iod;
  const lowerLip = new Set<number>([...r.lowerInnerLip.slice(1, -1), ...r.lowerOuterLip.slice(1, -1)]);
  for (let i = 0; i < n; i++) {
    const px = neutral[i * 3]! - mx;
    const py = neutral[i * 3 + 1]! - my;
    const across = (px * exX + py * exY) / iod;
    const down = (px * eyX + py * eyY) / iod;
    let weight = 0;
    if (lowerLip.has(i)) {
      weight = Math.max(0, 1 - (across / (halfWidth || 1)) ** 2);
    } else if (down > 0 && !eyes.has(i)) {
      const t = Math.min(1, down / openSetIn);
      weight = t * t * (3 - 2 * t) * Math.exp(-(across * across) / (2 * openReach * openReach));
    }
    open[i * 3] = weight * openDrop * iod * eyX;
    open[i * 3 + 1] = weight * openDrop * iod * eyY;
  }
  return { blink, smile, open };
}
