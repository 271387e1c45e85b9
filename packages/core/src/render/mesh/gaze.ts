/*
 * Gaze. A recorded template's 478-point track has the actor's iris centres (468 in the image-left
 * eye, 473 in the image-right one); where the actor looks is the iris's offset from the middle of
 * its eye corners, measured along the corner line and across it in eye widths, so that it means
 * the same on any face at any size and roll. The user's eye shows the same offset (relative to
 * the template's neutral, which looks at the camera as the photo does) by shifting what is inside
 * the eye opening: the mesh warp samples the photo's eye from `s − d·f(s)` instead of `s`, where
 * `d` is the offset in photo pixels and `f` falls from 1 at the eye's middle to 0 at its corners,
 * so the iris moves, the white on one side narrows and on the other widens, and the corners and
 * lids stay where they are.
 */

/** Per eye: corner on the image's left, corner on its right, iris centre. */
const gazeEyes = [
  [33, 133, 468],
  [362, 263, 473],
] as const;

/** Numbers of a gaze: `[along, across]` per eye (image-left eye first), in eye widths. */
export const gazeLength = 4;
/** Numbers of the eye shifts {@link eyeShifts} writes: per eye `[cx, cy, ax, ay, 1 / hw², dx, dy]`. */
export const eyeShiftLength = 14;

/**
 * Offsets the tracker reports for an actor who keeps looking at the camera, in eye widths: below
 * it an offset is noise (and moving the iris by noise makes the eyes shimmer), so each offset is
 * shrunk toward 0 by this much.
 */
const trackerNoise = 0.03;

function deadZone(offset: number): number {
  return offset > trackerNoise ? offset - trackerNoise : offset < -trackerNoise ? offset + trackerNoise : 0;
}

/** Largest offsets carried, in eye widths: beyond them the iris would slide under a corner. */
const maxAlong = 0.16;
const maxAcross = 0.08;

/**
 * The iris offsets of a 478-point mesh (x, y, z per point) into `out` (see {@link gazeLength}).
 * False (and `out` untouched) for a mesh without irises or with a degenerate eye.
 *
 * @internal
 */
export function gazeOffsets(mesh: Float32Array, out: Float32Array | Float64Array): boolean {
  if (mesh.length < 478 * 3) return false;
  for (let e = 0; e < 2; e++) {
    const [a, b, iris] = gazeEyes[e]!;
    const ax = mesh[b * 3]! - mesh[a * 3]!;
    const ay = mesh[b * 3 + 1]! - mesh[a * 3 + 1]!;
    const width2 = ax * ax + ay * ay;
    if (!(width2 > 1e-6)) return false;
    const dx = mesh[iris * 3]! - (mesh[a * 3]! + mesh[b * 3]!) / 2;
    const dy = mesh[iris * 3 + 1]! - (mesh[a * 3 + 1]! + mesh[b * 3 + 1]!) / 2;
    // Across: the corner line turned a quarter clockwise on screen (y down), so + is downward.
    out[e * 2] = (dx * ax + dy * ay) / width2;
    out[e * 2 + 1] = (dy * ax - dx * ay) / width2;
  }
  return true;
}

/**
 * How far the actor looks away from where it looked at rest: `offsets(frame) − offsets(neutral)`,
 * the mean of both eyes written for each, less the tracker's noise, clamped. False (and `out` zeroed) when the frame's mesh
 * has no irises.
 *
 * @internal
 */
export function gazeDelta(frame: Float32Array, neutralOffsets: Float32Array | Float64Array, out: Float32Array): boolean {
  if (!gazeOffsets(frame, out)) {
    out.fill(0, 0, gazeLength);
    return false;
  }
  // Eyes turn together: one offset for both, the mean of the two, which also halves the tracker's
  // noise (alone, each eye's offset wanders by a few hundredths, often in opposite directions).
  const along = (out[0]! - neutralOffsets[0]! + out[2]! - neutralOffsets[2]!) / 2;
  const across = (out[1]! - neutralOffsets[1]! + out[3]! - neutralOffsets[3]!) / 2;
  out[0] = out[2] = Math.max(-maxAlong, Math.min(maxAlong, deadZone(along)));
  out[1] = out[3] = Math.max(-maxAcross, Math.min(maxAcross, deadZone(across)));
  return true;
}

/**
 * The shift of each eye's content in the photo crop for `gaze` (see {@link gazeLength}), from the
 * crop's source vertices (`source`, tap coordinates, x, y per vertex): per eye its middle (cx, cy),
 * unit corner axis (ax, ay), 1 / half-width², and the shift (dx, dy) in crop pixels. The warp
 * samples `s − d · max(0, 1 − ((s − c)·a)² / hw²)`. Written into `out` (see {@link eyeShiftLength}).
 *
 * @internal
 */
export function eyeShifts(source: Float32Array, gaze: Float32Array, out: Float64Array): void {
  for (let e = 0; e < 2; e++) {
    const [a, b] = gazeEyes[e]!;
    const x0 = source[a * 2]!;
    const y0 = source[a * 2 + 1]!;
    const ex = source[b * 2]! - x0;
    const ey = source[b * 2 + 1]! - y0;
    const width = Math.hypot(ex, ey);
    const o = e * 7;
    if (!(width > 1)) {
      out.fill(0, o, o + 7);
      continue;
    }
    const ax = ex / width;
    const ay = ey / width;
    const along = gaze[e * 2]! * width;
    const across = gaze[e * 2 + 1]! * width;
    out[o] = x0 + ex / 2;
    out[o + 1] = y0 + ey / 2;
    out[o + 2] = ax;
    out[o + 3] = ay;
    out[o + 4] = 4 / (width * width);
    // Across is the axis turned a quarter clockwise on screen: (−ay, ax).
    out[o + 5] = along * ax - across * ay;
    out[o + 6] = along * ay + across * ax;
  }
}
