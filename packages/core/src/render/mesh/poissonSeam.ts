import { detailRange } from './laplacianSeam';

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
export function solveMembrane(
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
