import type { Lab } from './colourDifference';
import { deltaE2000, srgbToLab } from './colourDifference';

/** What {@link seamVisibility} measures, each on the output and on the untouched template frame. */
export interface SeamMeasure {
  /** Mean CIEDE2000 step between the bands just inside and just outside the edge, per sector. */
  readonly outputStep: number;
  /** The same step measured on the template frame without a face. */
  readonly templateStep: number;
  /** Mean Sobel gradient magnitude in L*a*b* (per pixel) over both bands, output minus template. */
  readonly gradientExcess: number;
  /** Sectors that had enough pixels on both sides to measure. */
  readonly sectors: number;
}

/** Options of {@link seamVisibility}. */
export interface SeamOptions {
  /** Width of each band (inside and outside), in pixels. Default 3. */
  readonly bandWidth?: number;
  /**
   * The edge is cut into this many angular sectors around the region's centroid and the step
   * taken per sector, because a mean over the whole loop would average a step up on one side with
   * a step down on the other. Default 16.
   */
  readonly sectors?: number;
  /** Fewest pixels per side for a sector to count. Default 8. */
  readonly minPixels?: number;
}

/**
 * Distance (4-connected steps) from each pixel to the edge of `inside`, up to `limit`; 0 for
 * pixels further away. Pixels on either side of the edge start at 1.
 */
function bandDistances(inside: Uint8Array, width: number, height: number, limit: number): Uint8Array {
  const distanceTo = new Uint8Array(width * height);
  let frontier: number[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const side = inside[i]!;
      const differs =
        (x > 0 && inside[i - 1] !== side) ||
        (x + 1 < width && inside[i + 1] !== side) ||
        (y > 0 && inside[i - width] !== side) ||
        (y + 1 < height && inside[i + width] !== side);
      if (differs) {
        distanceTo[i] = 1;
        frontier.push(i);
      }
    }
  }
  for (let step = 2; step <= limit; step++) {
    const next: number[] = [];
    for (const i of frontier) {
      const x = i % width;
      const neighbours = [x > 0 ? i - 1 : -1, x + 1 < width ? i + 1 : -1, i - width, i + width];
      for (const n of neighbours) {
        if (n < 0 || n >= distanceTo.length || distanceTo[n] !== 0 || inside[n] !== inside[i]) continue;
        distanceTo[n] = step;
        next.push(n);
      }
    }
    frontier = next;
  }
  return distanceTo;
}

/**
 * Sobel gradient magnitude in L*a*b* at pixel (x, y) (edges clamped): the Euclidean norm of the
 * L*, a* and b* gradients, so that an edge between two colours of equal lightness counts too.
 */
function gradientAt(frame: Uint8Array, width: number, height: number, x: number, y: number): number {
  const lab: Lab[] = [];
  for (let dy = -1; dy <= 1; dy++) {
    for (let dx = -1; dx <= 1; dx++) {
      const i = (Math.min(height - 1, Math.max(0, y + dy)) * width + Math.min(width - 1, Math.max(0, x + dx))) * 4;
      lab.push(srgbToLab(frame[i]!, frame[i + 1]!, frame[i + 2]!));
    }
  }
  let sum = 0;
  for (let c = 0; c < 3; c++) {
    const v = (k: number): number => lab[k]![c]!;
    // 3 × 3 neighbourhood, row by row: 0 1 2 / 3 4 5 / 6 7 8.
    const gx = v(2) + 2 * v(5) + v(8) - v(0) - 2 * v(3) - v(6);
    const gy = v(6) + 2 * v(7) + v(8) - v(0) - 2 * v(1) - v(2);
    sum += gx * gx + gy * gy;
  }
  return Math.sqrt(sum) / 8;
}

/**
 * How visible the edge of a pasted region is: the colour step across it and the extra gradient
 * along it, each against the same bands of the template frame without the face, so that what is
 * reported is what rendering added (a template whose background already changes there is not
 * blamed on the renderer).
 *
 * @param output - the rendered frame, RGBA
 * @param template - the same frame of the template with no face, RGBA
 * @param inside - 1 where the renderer drew the face (the region whose edge is measured), else 0
 * @throws Error when the buffers do not match the size or the region has no edge to measure.
 */
export function seamVisibility(
  output: Uint8Array,
  template: Uint8Array,
  inside: Uint8Array,
  width: number,
  height: number,
  options: SeamOptions = {},
): SeamMeasure {
  const bandWidth = options.bandWidth ?? 3;
  const sectorCount = options.sectors ?? 16;
  const minPixels = options.minPixels ?? 8;
  const pixels = width * height;
  if (output.length !== pixels * 4 || template.length !== pixels * 4 || inside.length !== pixels) {
    throw new Error('seamVisibility: the frames and the region must all be width × height.');
  }
  let cx = 0;
  let cy = 0;
  let area = 0;
  for (let i = 0; i < pixels; i++) {
    if (!inside[i]) continue;
    cx += i % width;
    cy += Math.floor(i / width);
    area++;
  }
  if (area === 0 || area === pixels) throw new Error('seamVisibility: the region has no edge inside the frame.');
  cx /= area;
  cy /= area;

  const distanceTo = bandDistances(inside, width, height, bandWidth);
  // Per sector and side: summed RGB of output and template, and the pixel count.
  const sums = new Float64Array(sectorCount * 2 * 7);
  let outputGradient = 0;
  let templateGradient = 0;
  let bandPixels = 0;
  for (let i = 0; i < pixels; i++) {
    if (distanceTo[i] === 0) continue;
    const x = i % width;
    const y = Math.floor(i / width);
    const angle = Math.atan2(y - cy, x - cx) + Math.PI;
    const sector = Math.min(sectorCount - 1, Math.floor((angle / (2 * Math.PI)) * sectorCount));
    const base = (sector * 2 + (inside[i] ? 0 : 1)) * 7;
    for (let c = 0; c < 3; c++) {
      sums[base + c] = sums[base + c]! + output[i * 4 + c]!;
      sums[base + 3 + c] = sums[base + 3 + c]! + template[i * 4 + c]!;
    }
    sums[base + 6] = sums[base + 6]! + 1;
    outputGradient += gradientAt(output, width, height, x, y);
    templateGradient += gradientAt(template, width, height, x, y);
    bandPixels++;
  }
  const meanLab = (base: number, offset: number): Lab => {
    const n = sums[base + 6]!;
    return srgbToLab(sums[base + offset]! / n, sums[base + offset + 1]! / n, sums[base + offset + 2]! / n);
  };
  let outputStep = 0;
  let templateStep = 0;
  let measured = 0;
  for (let s = 0; s < sectorCount; s++) {
    const inner = s * 2 * 7;
    const outer = (s * 2 + 1) * 7;
    if (sums[inner + 6]! < minPixels || sums[outer + 6]! < minPixels) continue;
    outputStep += deltaE2000(meanLab(inner, 0), meanLab(outer, 0));
    templateStep += deltaE2000(meanLab(inner, 3), meanLab(outer, 3));
    measured++;
  }
  if (measured === 0) throw new Error('seamVisibility: no sector had enough pixels on both sides of the edge.');
  return {
    outputStep: outputStep / measured,
    templateStep: templateStep / measured,
    gradientExcess: (outputGradient - templateGradient) / bandPixels,
    sectors: measured,
  };
}
