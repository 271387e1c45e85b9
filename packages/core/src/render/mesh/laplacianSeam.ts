import { codeScale, innerPull } from './seamBand';
import { seamLevels, upsample } from './seamPyramid';

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
export const detailRange = [1.5, 1.8] as const;
/** The same per pyramid level (8, 16, 32 px cells); the 64 px level spans the whole band. */
const levelRanges: readonly (readonly [number, number])[] = [
  [1.35, 1.9],
  [1, 1.95],
  [0.5, 2],
];

/** 1 at `lo` and below, 0 at `hi` and above, smoothstep between. */
export function fallingMask(u: number, lo: number, hi: number): number {
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

/**
 * Per level from 1, by band code: the change of mask from the level below, wₗ − wₗ₋₁ (the weight
 * of up(Gₗ) in the sum), looked up once per cell instead of two masks.
 */
const levelSteps = (() => {
  const table = new Float64Array(seamLevels * 256);
  for (let i = 256; i < table.length; i++) table[i] = levelMasks[i]! - levelMasks[i - 256]!;
  return table;
})();

/**
 * The band code of a cell's mean u. Cells without band pixels have u exactly 0 or 2 (see
 * `smoothLevel`), most of the grid; Math.floor(t + 0.5) is Math.round here, and compiles to less.
 */
function cellCode(u: number): number {
  if (u <= 0) return 1;
  if (u >= 2) return 1 + 2 * codeScale;
  return 1 + Math.floor(u * codeScale + 0.5);
}

/**
 * One pyramid level's grids, as the blender keeps them: `g` the low-passed difference (3 per
 * cell), `u` the band coordinate per cell, `t` scratch (3 per cell), `w × h` cells.
 *
 * @internal
 */
export interface SeamLevelGrids {
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
export function collapseLaplacian(levels: readonly SeamLevelGrids[], out: Float32Array, codes: Float32Array): void {
  const base = levels[0]!;
  const cells = base.w * base.h;
  for (let i = 0; i < cells; i++) {
    const code = cellCode(base.u[i]!);
    codes[i] = code;
    const w = levelMasks[code]!;
    const o = i * 3;
    out[o] = w * base.g[o]!;
    out[o + 1] = w * base.g[o + 1]!;
    out[o + 2] = w * base.g[o + 2]!;
  }
  // Every coarse G brought to level 1 first (G₁ is there; the others through their `t` grids,
  // G₂ into level 0's `t`, free until now), then one pass over level 0 up-samples the three and
  // adds them with their weights: at level 0 only band cells need them (the masks are all 1
  // inside the inner ring and all 0 past the ring, so there every (wₗ − wₗ₋₁) is 0). The sums are
  // rounded to float32 after each level, as the grids hold them.
  const [, l1, l2, l3] = levels as [SeamLevelGrids, SeamLevelGrids, SeamLevelGrids, SeamLevelGrids];
  upsample(l3.g, l3.w, l3.h, l2.t, l2.w, l2.h, 3);
  upsample(l2.t, l2.w, l2.h, l1.t, l1.w, l1.h, 3);
  upsample(l2.g, l2.w, l2.h, base.t, l1.w, l1.h, 3);
  const g1 = l1.g;
  const g2 = base.t;
  const g3 = l1.t;
  const cw = l1.w;
  const ch = l1.h;
  const fw = base.w;
  const fround = Math.fround;
  for (let y = 0; y < base.h; y++) {
    // As in `upsample`: a fine cell's centre lies a quarter of a coarse cell from its parent's
    // centre, toward the previous coarse cell for an even index, the next for an odd one.
    const parentY = y >> 1;
    const otherY = y & 1 ? Math.min(ch - 1, parentY + 1) : Math.max(0, parentY - 1);
    const near = parentY * cw;
    const far = otherY * cw;
    for (let x = 0; x < fw; x++) {
      const i = y * fw + x;
      const code = codes[i]!;
      if (code === 1 || code === 255) continue;
      const w1 = levelSteps[256 + code]!;
      const w2 = levelSteps[512 + code]!;
      const w3 = levelSteps[768 + code]!;
      const parentX = x >> 1;
      const otherX = x & 1 ? (parentX + 1 < cw ? parentX + 1 : parentX) : parentX > 0 ? parentX - 1 : 0;
      const a = (near + parentX) * 3;
      const b = (near + otherX) * 3;
      const c = (far + parentX) * 3;
      const d = (far + otherX) * 3;
      const o = i * 3;
      // Per channel (written out): the three up-sampled values, then the weighted sum.
      let u1 = fround(0.5625 * g1[a]! + 0.1875 * (g1[b]! + g1[c]!) + 0.0625 * g1[d]!);
      let u2 = fround(0.5625 * g2[a]! + 0.1875 * (g2[b]! + g2[c]!) + 0.0625 * g2[d]!);
      let u3 = fround(0.5625 * g3[a]! + 0.1875 * (g3[b]! + g3[c]!) + 0.0625 * g3[d]!);
      out[o] = fround(fround(out[o]! + w1 * u1) + w2 * u2) + w3 * u3;
      u1 = fround(0.5625 * g1[a + 1]! + 0.1875 * (g1[b + 1]! + g1[c + 1]!) + 0.0625 * g1[d + 1]!);
      u2 = fround(0.5625 * g2[a + 1]! + 0.1875 * (g2[b + 1]! + g2[c + 1]!) + 0.0625 * g2[d + 1]!);
      u3 = fround(0.5625 * g3[a + 1]! + 0.1875 * (g3[b + 1]! + g3[c + 1]!) + 0.0625 * g3[d + 1]!);
      out[o + 1] = fround(fround(out[o + 1]! + w1 * u1) + w2 * u2) + w3 * u3;
      u1 = fround(0.5625 * g1[a + 2]! + 0.1875 * (g1[b + 2]! + g1[c + 2]!) + 0.0625 * g1[d + 2]!);
      u2 = fround(0.5625 * g2[a + 2]! + 0.1875 * (g2[b + 2]! + g2[c + 2]!) + 0.0625 * g2[d + 2]!);
      u3 = fround(0.5625 * g3[a + 2]! + 0.1875 * (g3[b + 2]! + g3[c + 2]!) + 0.0625 * g3[d + 2]!);
      out[o + 2] = fround(fround(out[o + 2]! + w1 * u1) + w2 * u2) + w3 * u3;
    }
  }
}
