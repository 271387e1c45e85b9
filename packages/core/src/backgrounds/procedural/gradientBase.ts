import type { Rgb } from './packedPixels';
import { parseHexColour } from './packedPixels';

/** Entries of the linear-light → sRGB lookup table. */
const gammaSteps = 4096;

let encodeTable: Float32Array | undefined;

/** Linear light (0…1, by table index) → sRGB byte value, unrounded so dither can be added. */
function srgbEncodeTable(): Float32Array {
  if (encodeTable === undefined) {
    encodeTable = new Float32Array(gammaSteps + 1);
    for (let i = 0; i <= gammaSteps; i++) encodeTable[i] = 255 * (i / gammaSteps) ** (1 / 2.2);
  }
  return encodeTable;
}

/**
 * The static layer under every procedural background: a vertical gradient, a soft glow tinted
 * with the gradient's own colours where the face will sit, a vignette, and a little dither.
 *
 * It is computed once per template instance and copied into each frame with one `set`, so it
 * can afford per-pixel floating point that the moving parts cannot. The blend happens in linear
 * light (an even gradient without a muddy middle); the dither (±1 level from an integer hash,
 * not a random generator) stops the gradient from banding after H.264 quantises it.
 */
export function paintGradientBase(top: Rgb, bottom: Rgb, width: number, height: number, seed: number): Uint32Array {
  const layer = new Uint32Array(width * height);
  const bytes = new Uint8Array(layer.buffer);
  const table = srgbEncodeTable();
  const toLinear = (c: number) => (c / 255) ** 2.2;
  const lt = top.map(toLinear);
  const lb = bottom.map(toLinear);
  // The glow is the gradient's own average colour, brightened: it lifts the face area without
  // washing it out to grey.
  const tint = [0, 1, 2].map((c) => Math.min(1, ((lt[c]! + lb[c]!) / 2) * 2.4 + 0.04));
  const glowX = width * 0.5;
  const glowY = height * 0.42;
  const glowRadius2 = (Math.max(width, height) * 0.5) ** 2;
  const halfDiagonal2 = (width * width + height * height) / 4;
  for (let y = 0; y < height; y++) {
    const v = y / Math.max(1, height - 1);
    const s = v * v * (3 - 2 * v);
    const r0 = lt[0]! + (lb[0]! - lt[0]!) * s;
    const g0 = lt[1]! + (lb[1]! - lt[1]!) * s;
    const b0 = lt[2]! + (lb[2]! - lt[2]!) * s;
    const dy2 = (y - glowY) ** 2;
    const cy2 = (y - height / 2) ** 2;
    let index = y * width * 4;
    for (let x = 0; x < width; x++, index += 4) {
      const glowDistance2 = ((x - glowX) ** 2 + dy2) / glowRadius2;
      const glowFalloff = glowDistance2 < 1 ? 1 - Math.sqrt(glowDistance2) : 0;
      const glow = 0.3 * glowFalloff * glowFalloff;
      const edge2 = ((x - width / 2) ** 2 + cy2) / halfDiagonal2;
      const vignette = (1 - 0.5 * edge2 * Math.sqrt(Math.sqrt(edge2))) * gammaSteps;
      let hash = Math.imul((y * width + x) ^ seed, 0x9e3779b1);
      hash ^= hash >>> 15;
      const dither = ((hash & 0xff) / 255 - 0.5) * 1.6;
      const r = table[Math.min(gammaSteps, ((r0 + glow * tint[0]!) * vignette) | 0)]! + dither;
      const g = table[Math.min(gammaSteps, ((g0 + glow * tint[1]!) * vignette) | 0)]! + dither;
      const b = table[Math.min(gammaSteps, ((b0 + glow * tint[2]!) * vignette) | 0)]! + dither;
      // A Uint8Array store wraps and truncates rather than clamping and rounding: do both here.
      bytes[index] = r < 0 ? 0 : r > 255 ? 255 : r + 0.5;
      bytes[index + 1] = g < 0 ? 0 : g > 255 ? 255 : g + 0.5;
      bytes[index + 2] = b < 0 ? 0 : b > 255 ? 255 : b + 0.5;
      bytes[index + 3] = 255;
    }
  }
  return layer;
}

/** The static layer for a generator's `top` / `bottom` colours and `seed`. */
export function gradientBaseFor(
  generator: { readonly top: string; readonly bottom: string; readonly seed: number },
  width: number,
  height: number,
): Uint32Array {
  return paintGradientBase(parseHexColour(generator.top), parseHexColour(generator.bottom), width, height, generator.seed);
}
