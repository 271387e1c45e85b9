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

/** The band code of a cell's mean u. */
function cellCode(u: number): number {
  return 1 + Math.round(Math.min(2, Math.max(0, u)) * codeScale);
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
  for (let l = 1; l < seamLevels; l++) {
    // Gₗ down to level 0, one level at a time.
    let from = levels[l]!.g;
    for (let k = l - 1; k >= 0; k--) {
      const coarse = levels[k + 1]!;
      const fine = levels[k]!;
      // At level 0 only band cells need it: the masks are all 1 inside the inner ring and all 0
      // past the ring, so there every (wₗ − wₗ₋₁) is 0.
      upsample(from, coarse.w, coarse.h, fine.t, fine.w, fine.h, 3, k === 0 ? codes : undefined);
      from = fine.t;
    }
    for (let i = 0; i < cells; i++) {
      const code = codes[i]!;
      const w = levelMasks[l * 256 + code]! - levelMasks[(l - 1) * 256 + code]!;
      if (w === 0) continue;
      const o = i * 3;
      out[o] = out[o]! + w * from[o]!;
      out[o + 1] = out[o + 1]! + w * from[o + 1]!;
      out[o + 2] = out[o + 2]! + w * from[o + 2]!;
    }
  }
}
