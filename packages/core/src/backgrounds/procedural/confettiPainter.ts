import type { BackgroundPainter } from './backgroundPainter';
import { paintGradientBase } from './gradientBase';
import { lerpPacked, packRgba, parseHexColour } from './packedPixels';
import { createPrng, prngRange } from './prng';
import type { BackgroundGenerator } from '../../templates/templateSchema';

type Confetti = Extract<BackgroundGenerator, { name: 'confetti' }>;

/** Shade steps per piece, from its dark back to its bright front. */
const shadeLevels = 8;

interface Piece {
  readonly x0: number;
  readonly y0: number;
  readonly fall: number;
  readonly halfLength: number;
  readonly halfWidth: number;
  readonly spin0: number;
  readonly spin: number;
  readonly flip0: number;
  readonly flip: number;
  readonly sway: number;
  readonly swayRate: number;
  readonly swayPhase: number;
  /** Packed colours, one per shade level. */
  readonly shades: Uint32Array;
}

/**
 * Confetti falling, swaying, spinning and flipping over a gradient.
 *
 * Every piece's motion is a closed-form function of the frame index (position wraps round the
 * frame's height, sway is a sine), so a frame never depends on the one before. Pieces have a
 * depth: far ones are smaller, slower and hazier, and are drawn first so near ones cover them.
 * Each piece is a rotated rectangle whose width shrinks with the cosine of its flip and whose
 * shade follows which side faces the camera; edges get one pixel of coverage antialiasing.
 */
export function createConfettiPainter(g: Confetti, width: number, height: number): BackgroundPainter {
  const random = createPrng(g.seed);
  const colours = g.palette.map(parseHexColour);
  // Far pieces fade towards the middle of the gradient, like air between them and the camera.
  const [top, bottom] = [parseHexColour(g.top), parseHexColour(g.bottom)];
  const haze = [0, 1, 2].map((c) => (top[c]! + bottom[c]!) / 2);
  const base = paintGradientBase(top, bottom, width, height, g.seed);
  const pieces: (Piece & { depth: number })[] = [];
  for (let i = 0; i < g.count; i++) {
    const depth = prngRange(random, 0.5, 1.15);
    const length = g.size * depth;
    const aspect = prngRange(random, 0.4, 0.85);
    const colour = colours[Math.floor(random() * colours.length)]!;
    const hazeAmount = Math.max(0, 0.8 - depth) * 0.8;
    const shades = new Uint32Array(shadeLevels);
    for (let level = 0; level < shadeLevels; level++) {
      const light = 0.8 + 0.32 * (level / (shadeLevels - 1));
      const channel = (c: number) => {
        const lit = Math.min(255, colour[c]! * light + (light > 1 ? (light - 1) * 255 : 0));
        return Math.round(lit + (haze[c]! - lit) * hazeAmount);
      };
      shades[level] = packRgba(channel(0), channel(1), channel(2), 255);
    }
    const sway = prngRange(random, 4, 26) * depth;
    pieces.push({
      depth,
      x0: prngRange(random, 0, width),
      y0: random(),
      fall: (0.7 + 0.5 * depth) / g.fallFrames,
      halfLength: length / 2,
      halfWidth: (length * aspect) / 2,
      spin0: prngRange(random, 0, 2 * Math.PI),
      spin: prngRange(random, -0.12, 0.12),
      flip0: prngRange(random, 0, 2 * Math.PI),
      flip: prngRange(random, 0.08, 0.26) * (random() < 0.5 ? -1 : 1),
      sway,
      swayRate: (2 * Math.PI) / prngRange(random, 40, 110),
      swayPhase: prngRange(random, 0, 2 * Math.PI),
      shades,
    });
  }
  pieces.sort((a, b) => a.depth - b.depth);
  const margin = g.size * 1.5 + 30;
  const span = height + 2 * margin;

  return {
    paint(frame, out) {
      out.set(base);
      for (const p of pieces) {
        const travelled = (p.y0 + p.fall * frame) % 1;
        const cy = travelled * span - margin;
        const cx = p.x0 + p.sway * Math.sin(p.swayRate * frame + p.swayPhase);
        const angle = p.spin0 + p.spin * frame;
        const flip = Math.cos(p.flip0 + p.flip * frame);
        const a = p.halfLength;
        const b = Math.max(0.5, p.halfWidth * Math.abs(flip));
        const level = Math.min(shadeLevels - 1, Math.round((0.5 + 0.5 * flip) * (shadeLevels - 1)));
        const colour = p.shades[level]!;
        const cos = Math.cos(angle);
        const sin = Math.sin(angle);
        const reach = Math.sqrt(a * a + b * b) + 1;
        const yFrom = Math.max(0, Math.floor(cy - reach));
        const yTo = Math.min(height - 1, Math.ceil(cy + reach));
        const xFrom = Math.max(0, Math.floor(cx - reach));
        const xTo = Math.min(width - 1, Math.ceil(cx + reach));
        for (let y = yFrom; y <= yTo; y++) {
          const dy = y - cy;
          let u = (xFrom - cx) * cos + dy * sin;
          let v = -(xFrom - cx) * sin + dy * cos;
          const row = y * width;
          for (let x = xFrom; x <= xTo; x++, u += cos, v -= sin) {
            const cu = a + 0.5 - Math.abs(u);
            if (cu <= 0) continue;
            const cv = b + 0.5 - Math.abs(v);
            if (cv <= 0) continue;
            const coverage = (cu < 1 ? cu : 1) * (cv < 1 ? cv : 1);
            out[row + x] = coverage >= 1 ? colour : lerpPacked(out[row + x]!, colour, (coverage * 256) | 0);
          }
        }
      }
    },
  };
}
