import type { BackgroundPainter } from './backgroundPainter';
import { paintGradientBase } from './gradientBase';
import { lerpPacked, packRgba, parseHexColour, screenChannel } from './packedPixels';
import { createPrng, prngRange } from './prng';
import type { BackgroundGenerator } from '../../templates/templateSchema';

type LightSweep = Extract<BackgroundGenerator, { name: 'lightSweep' }>;

interface Sparkle {
  readonly x: number;
  readonly y: number;
  readonly arm: number;
  readonly period: number;
  readonly phase: number;
}

/** Weights across a band of half-width `half`: a wide soft wash plus a narrow bright core. */
function bandProfile(half: number, peak: number): Uint16Array {
  const profile = new Uint16Array(2 * half + 1);
  for (let i = 0; i <= 2 * half; i++) {
    const d = Math.abs(i - half) / half;
    const soft = (1 - d * d) ** 2;
    const core = Math.max(0, 1 - d * 4) ** 2;
    profile[i] = Math.round(peak * Math.min(1, 0.55 * soft + 0.45 * core));
  }
  return profile;
}

/**
 * A soft band of light sweeping across a gradient, plus twinkling four-pointed sparkles.
 *
 * The lit look of every pixel (the base screened with the glow colour) is precomputed, so the
 * moving band is just a per-pixel lerp between two layers with a weight from a lookup table, over
 * the band's span only. The band eases across (slow in, fast through the middle, slow out), with
 * a fainter echo half a period behind it.
 */
export function createLightSweepPainter(g: LightSweep, width: number, height: number): BackgroundPainter {
  const base = paintGradientBase(parseHexColour(g.top), parseHexColour(g.bottom), width, height, g.seed);
  const glow = parseHexColour(g.glow);
  const lit = new Uint32Array(base.length);
  const view = new Uint8Array(base.buffer);
  const litView = new Uint8Array(lit.buffer);
  // One 256-entry table per channel instead of a division per byte.
  const screens = [0, 1, 2].map((c) => Uint8Array.from({ length: 256 }, (_, v) => screenChannel(v, glow[c]!)));
  const [screenR, screenG, screenB] = screens as [Uint8Array, Uint8Array, Uint8Array];
  for (let i = 0; i < view.length; i += 4) {
    litView[i] = screenR[view[i]!]!;
    litView[i + 1] = screenG[view[i + 1]!]!;
    litView[i + 2] = screenB[view[i + 2]!]!;
    litView[i + 3] = 255;
  }

  const half = Math.max(2, Math.round((g.bandWidth * Math.hypot(width, height)) / 2));
  const profile = bandProfile(half, 256);
  // The echo is half as wide and a third as bright: a hint of a second light, at a third the cost.
  const echoHalf = Math.max(2, Math.round(half / 2));
  const echoProfile = bandProfile(echoHalf, 96);
  const slope = Math.tan((g.angle * Math.PI) / 180);
  const overhang = Math.abs(slope) * height * 0.5 + half;
  const bands = [
    { phase: 0, half, profile },
    { phase: 0.5, half: echoHalf, profile: echoProfile },
  ] as const;

  const random = createPrng(g.seed ^ 0x5bd1e995);
  const sparkles: Sparkle[] = [];
  for (let i = 0; i < g.sparkles; i++) {
    sparkles.push({
      // Kept a full arm away from the edges, so arms never wrap onto the next row.
      x: Math.floor(prngRange(random, 12, width - 12)),
      y: Math.floor(prngRange(random, 12, height - 12)),
      arm: prngRange(random, 3, 11),
      period: prngRange(random, 24, 72),
      phase: random(),
    });
  }
  const white = packRgba(255, 255, 255, 255);
  const sparkleColour = lerpPacked(packRgba(glow[0], glow[1], glow[2], 255), white, 160);

  return {
    paint(frame, out) {
      out.set(base);
      // A main band and a fainter echo half a cycle behind it, so the frame is never without light.
      for (const band of bands) {
        const cycle = ((frame + band.phase * g.periodFrames) % g.periodFrames) / g.periodFrames;
        const eased = cycle * cycle * (3 - 2 * cycle);
        const centre = -overhang + (width + 2 * overhang) * eased;
        const bandHalf = band.half;
        const bandProfile = band.profile;
        for (let y = 0; y < height; y++) {
          const cx = Math.round(centre + (y - height * 0.5) * slope);
          const from = Math.max(0, cx - bandHalf);
          const to = Math.min(width - 1, cx + bandHalf);
          const row = y * width;
          for (let x = from; x <= to; x++) {
            const alpha = bandProfile[x - cx + bandHalf]!;
            if (alpha !== 0) out[row + x] = lerpPacked(out[row + x]!, lit[row + x]!, alpha);
          }
        }
      }
      for (const s of sparkles) {
        const wave = Math.sin(2 * Math.PI * (frame / s.period + s.phase));
        if (wave <= 0.05) continue;
        const strength = wave * wave * wave;
        const arm = Math.max(1, Math.round(s.arm * strength));
        const centreIndex = s.y * width + s.x;
        out[centreIndex] = lerpPacked(out[centreIndex]!, sparkleColour, Math.round(256 * strength));
        for (let d = 1; d <= arm; d++) {
          const alpha = Math.round(230 * strength * (1 - d / (arm + 1)) ** 1.5);
          if (alpha <= 0) break;
          const right = centreIndex + d;
          const left = centreIndex - d;
          const down = centreIndex + d * width;
          const up = centreIndex - d * width;
          out[right] = lerpPacked(out[right]!, sparkleColour, alpha);
          out[left] = lerpPacked(out[left]!, sparkleColour, alpha);
          out[down] = lerpPacked(out[down]!, sparkleColour, alpha);
          out[up] = lerpPacked(out[up]!, sparkleColour, alpha);
        }
      }
    },
  };
}
