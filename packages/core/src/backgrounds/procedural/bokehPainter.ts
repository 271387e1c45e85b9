import type { BackgroundPainter } from './backgroundPainter';
import { paintGradientBase } from './gradientBase';
import { packRgba, parseHexColour } from './packedPixels';
import { createPrng, prngRange } from './prng';
import type { BackgroundGenerator } from '../../templates/templateSchema';

type Bokeh = Extract<BackgroundGenerator, { name: 'bokeh' }>;

/** Distinct orb sizes: orbs share pre-drawn sprites, which keeps the cache small. */
const spriteSizes = 12;
/** How far the halo reaches beyond the orb's rim, as a multiple of its radius. */
const haloReach = 1.3;

interface Sprite {
  readonly side: number;
  readonly half: number;
  /** Coverage 0…256, row by row. */
  readonly alpha: Uint16Array;
  /** Per row, the first and one-past-last column with any coverage: the corners are skipped. */
  readonly spans: Uint16Array;
}

interface Orb {
  readonly sprite: Sprite;
  readonly colour: number;
  readonly x0: number;
  readonly y0: number;
  readonly vx: number;
  readonly vy: number;
  readonly opacity: number;
  readonly pulseRate: number;
  readonly pulsePhase: number;
}

/** A lens-blur disc: a slightly brighter rim, an antialiased edge and a faint halo. */
function drawSprite(radius: number): Sprite {
  const half = Math.ceil(radius * haloReach) + 1;
  const side = 2 * half + 1;
  const alpha = new Uint16Array(side * side);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const d = Math.hypot(x - half, y - half);
      let value: number;
      if (d <= radius) {
        const t = d / radius;
        value = 0.62 + 0.38 * t ** 6;
        if (d > radius - 1) value *= 0.5 + (radius - d) / 2;
      } else {
        const t = (d - radius) / (radius * (haloReach - 1));
        value = t < 1 ? 0.22 * (1 - t) ** 2 : 0;
      }
      alpha[y * side + x] = Math.round(256 * Math.min(1, Math.max(0, value)));
    }
  }
  const spans = new Uint16Array(2 * side);
  for (let y = 0; y < side; y++) {
    let first = 0;
    while (first < side && alpha[y * side + first] === 0) first++;
    let last = side;
    while (last > first && alpha[y * side + last - 1] === 0) last--;
    spans[2 * y] = first;
    spans[2 * y + 1] = last;
  }
  return { side, half, alpha, spans };
}

/** Position on a segment of length `length` for a point bouncing between its ends. */
function bounce(start: number, velocity: number, frame: number, length: number): number {
  if (length <= 0) return 0;
  const period = 2 * length;
  let p = (start + velocity * frame) % period;
  if (p < 0) p += period;
  return p < length ? p : period - p;
}

/**
 * Glowing out-of-focus orbs that drift and bounce off the frame's edges, gently pulsing.
 *
 * Bounces are closed-form (a triangle wave of the frame index), so every frame stands alone.
 * Orbs are drawn from a dozen shared pre-rendered sprites and added to the background as light
 * (saturating), a whole packed pixel at a time, with the orb's opacity folded into one multiply.
 */
export function createBokehPainter(g: Bokeh, width: number, height: number): BackgroundPainter {
  const base = paintGradientBase(parseHexColour(g.top), parseHexColour(g.bottom), width, height, g.seed);
  const random = createPrng(g.seed);
  const colours = g.palette.map(parseHexColour);
  const sprites: Sprite[] = [];
  for (let i = 0; i < spriteSizes; i++) {
    const t = i / (spriteSizes - 1);
    sprites.push(drawSprite(g.minRadius + (g.maxRadius - g.minRadius) * t));
  }
  const orbs: Orb[] = [];
  for (let i = 0; i < g.count; i++) {
    // Small orbs are more common than big ones, as in real bokeh.
    const size = random() ** 1.6;
    const sprite = sprites[Math.min(spriteSizes - 1, Math.floor(size * spriteSizes))]!;
    const [r, gr, b] = colours[Math.floor(random() * colours.length)]!;
    const heading = prngRange(random, 0, 2 * Math.PI);
    const speed = g.speed * prngRange(random, 0.5, 1.2) * (1.2 - 0.6 * size);
    orbs.push({
      sprite,
      colour: packRgba(r, gr, b, 255),
      x0: prngRange(random, 0, width),
      y0: prngRange(random, 0, height),
      vx: Math.cos(heading) * speed,
      vy: Math.sin(heading) * speed,
      opacity: prngRange(random, 0.3, 0.65) * (1 - 0.35 * size),
      pulseRate: (2 * Math.PI) / prngRange(random, 45, 120),
      pulsePhase: prngRange(random, 0, 2 * Math.PI),
    });
  }

  return {
    paint(frame, out) {
      out.set(base);
      for (const orb of orbs) {
        const { side, half, alpha, spans } = orb.sprite;
        const cx = Math.round(half + bounce(orb.x0, orb.vx, frame, width - 2 * half));
        const cy = Math.round(half + bounce(orb.y0, orb.vy, frame, height - 2 * half));
        const pulse = 1 + 0.18 * Math.sin(orb.pulseRate * frame + orb.pulsePhase);
        const strength = Math.min(256, Math.round(256 * orb.opacity * pulse));
        const colourRb = orb.colour & 0xff00ff;
        const colourGa = (orb.colour >>> 8) & 0xff00ff;
        const left = cx - half;
        const topRow = cy - half;
        const xFrom = Math.max(0, -left);
        const xTo = Math.min(side, width - left);
        const yFrom = Math.max(0, -topRow);
        const yTo = Math.min(side, height - topRow);
        for (let sy = yFrom; sy < yTo; sy++) {
          const x0 = Math.max(xFrom, spans[2 * sy]!);
          const x1 = Math.min(xTo, spans[2 * sy + 1]!);
          let target = (topRow + sy) * width + left + x0;
          let source = sy * side + x0;
          for (let sx = x0; sx < x1; sx++, target++, source++) {
            const a = (alpha[source]! * strength) >>> 8;
            if (a === 0) continue;
            // Saturating add, two channels per operation: light adds up like real bokeh, and
            // a field that overflows into its guard bit is forced to 255.
            const pixel = out[target]!;
            let rb = (pixel & 0xff00ff) + (((colourRb * a) >>> 8) & 0xff00ff);
            let ga = ((pixel >>> 8) & 0xff00ff) + (((colourGa * a) >>> 8) & 0xff00ff);
            rb = (rb | (((rb >>> 8) & 0x10001) * 0xff)) & 0xff00ff;
            ga = (ga | (((ga >>> 8) & 0x10001) * 0xff)) & 0xff00ff;
            out[target] = rb | (ga << 8);
          }
        }
      }
    },
  };
}
