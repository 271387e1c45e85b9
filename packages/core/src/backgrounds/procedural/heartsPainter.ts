import type { BackgroundPainter } from './backgroundPainter';
import { gradientBaseFor } from './gradientBase';
import { packRgba, parseHexColour } from './packedPixels';
import type { Rgb } from './packedPixels';
import { createPrng, prngRange } from './prng';
import type { BackgroundGenerator } from '../../templates/templateSchema';

type Hearts = Extract<BackgroundGenerator, { name: 'hearts' }>;

/** Distinct heart sizes: hearts share pre-drawn sprites. */
const sizeLevels = 6;
/** Samples per pixel side when drawing a sprite: 4 × 4 gives smooth edges. */
const supersample = 4;

interface Sprite {
  readonly side: number;
  /** Coverage 0…256. */
  readonly alpha: Uint16Array;
  /** Packed colour per pixel: the heart's colour with a soft highlight at the upper left. */
  readonly colour: Uint32Array;
}

interface Heart {
  readonly sprite: Sprite;
  readonly x0: number;
  readonly y0: number;
  readonly rise: number;
  readonly sway: number;
  readonly swayRate: number;
  readonly swayPhase: number;
  readonly opacity: number;
}

/** Inside the classic heart curve (x² + y² − 1)³ − x²y³ ≤ 0, y up. */
function insideHeart(x: number, y: number): boolean {
  const a = x * x + y * y - 1;
  return a * a * a - x * x * y * y * y <= 0;
}

function drawHeart(side: number, rgb: Rgb): Sprite {
  const alpha = new Uint16Array(side * side);
  const colour = new Uint32Array(side * side);
  // The curve spans x ∈ [−1.14, 1.14], y ∈ [−1, 1.25]: fit that box into the sprite.
  const unit = side / 2.5;
  for (let py = 0; py < side; py++) {
    for (let px = 0; px < side; px++) {
      let hits = 0;
      for (let sy = 0; sy < supersample; sy++) {
        for (let sx = 0; sx < supersample; sx++) {
          const x = (px + (sx + 0.5) / supersample - side / 2) / unit;
          const y = (side * 0.56 - (py + (sy + 0.5) / supersample)) / unit;
          if (insideHeart(x, y)) hits++;
        }
      }
      const index = py * side + px;
      alpha[index] = Math.round((256 * hits) / (supersample * supersample));
      // A highlight up and to the left, a touch of shade below: it reads as puffy, not flat.
      const hx = px / side - 0.32;
      const hy = py / side - 0.3;
      const highlight = Math.max(0, 1 - Math.sqrt(hx * hx + hy * hy) / 0.28) ** 2 * 0.55;
      const shade = 0.82 + 0.18 * (1 - py / side);
      const channel = (c: number) => Math.round(Math.min(255, rgb[c]! * shade + (255 - rgb[c]! * shade) * highlight));
      colour[index] = packRgba(channel(0), channel(1), channel(2), 255);
    }
  }
  return { side, alpha, colour };
}

/**
 * Hearts of several sizes rising from the bottom of the frame, swaying as they go, fading in as
 * they enter and out near the top.
 *
 * Rise and sway are closed-form in the frame index, so frames stand alone. Hearts are drawn from
 * pre-rendered, supersampled sprites (one per size and colour) and blended a whole packed pixel
 * at a time; small hearts are drawn first and fainter, so they read as further away.
 */
export function createHeartsPainter(g: Hearts, width: number, height: number): BackgroundPainter {
  const base = gradientBaseFor(g, width, height);
  const random = createPrng(g.seed);
  const colours = g.palette.map(parseHexColour);
  const sprites: Sprite[][] = [];
  for (let level = 0; level < sizeLevels; level++) {
    const side = Math.max(4, Math.round(g.minSize + ((g.maxSize - g.minSize) * level) / (sizeLevels - 1)));
    sprites.push(colours.map((rgb) => drawHeart(side, rgb)));
  }
  const margin = g.maxSize + 40;
  const span = height + 2 * margin;
  const hearts: (Heart & { level: number })[] = [];
  for (let i = 0; i < g.count; i++) {
    const level = Math.min(sizeLevels - 1, Math.floor(random() ** 1.4 * sizeLevels));
    const depth = (level + 1) / sizeLevels;
    hearts.push({
      level,
      sprite: sprites[level]![Math.floor(random() * colours.length)]!,
      x0: prngRange(random, -0.05, 1.05) * width,
      y0: random(),
      rise: (0.6 + 0.6 * depth) / g.riseFrames,
      sway: prngRange(random, 8, 34) * depth,
      swayRate: (2 * Math.PI) / prngRange(random, 50, 120),
      swayPhase: prngRange(random, 0, 2 * Math.PI),
      opacity: prngRange(random, 0.55, 0.95) * (0.55 + 0.45 * depth),
    });
  }
  hearts.sort((a, b) => a.level - b.level);

  return {
    paint(frame, out) {
      out.set(base);
      for (const heart of hearts) {
        const { side, alpha, colour } = heart.sprite;
        const travelled = (heart.y0 + heart.rise * frame) % 1;
        const cy = height + margin - travelled * span;
        const cx = heart.x0 + heart.sway * Math.sin(heart.swayRate * frame + heart.swayPhase);
        // Fade in over the bottom tenth of the frame, out over the top fifth.
        const v = cy / height;
        const fade = v > 0.9 ? Math.max(0, (1.1 - v) / 0.2) : v < 0.2 ? Math.max(0, v / 0.2) : 1;
        const strength = Math.round(256 * heart.opacity * fade);
        if (strength === 0) continue;
        const left = Math.round(cx - side / 2);
        const top = Math.round(cy - side / 2);
        const xFrom = Math.max(0, -left);
        const xTo = Math.min(side, width - left);
        const yFrom = Math.max(0, -top);
        const yTo = Math.min(side, height - top);
        for (let sy = yFrom; sy < yTo; sy++) {
          let target = (top + sy) * width + left + xFrom;
          let source = sy * side + xFrom;
          for (let sx = xFrom; sx < xTo; sx++, target++, source++) {
            const a = (alpha[source]! * strength) >>> 8;
            if (a === 0) continue;
            const from = out[target]!;
            const to = colour[source]!;
            const inverse = 256 - a;
            const rb = (((from & 0xff00ff) * inverse + (to & 0xff00ff) * a) >>> 8) & 0xff00ff;
            const ga = ((((from >>> 8) & 0xff00ff) * inverse + ((to >>> 8) & 0xff00ff) * a) >>> 8) & 0xff00ff;
            out[target] = rb | (ga << 8);
          }
        }
      }
    },
  };
}
