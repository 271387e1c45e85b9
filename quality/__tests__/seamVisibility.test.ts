import { describe, expect, it } from 'vitest';
import { changedRegion } from '../metrics/changedRegion';
import { deltaE2000, srgbToLab } from '../metrics/colourDifference';
import { seamVisibility } from '../metrics/seamVisibility';

const width = 120;
const height = 100;

function flat(r: number, g: number, b: number): Uint8Array {
  const frame = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) frame.set([r, g, b, 255], i * 4);
  return frame;
}

/** The template frame with a disc pasted in; `feather` px of linear fade inside its edge. */
function pasteDisc(template: Uint8Array, colour: [number, number, number], feather = 0): { frame: Uint8Array; inside: Uint8Array } {
  const frame = template.slice();
  const inside = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const depth = 30 - Math.hypot(x + 0.5 - 60, y + 0.5 - 50);
      if (depth <= 0) continue;
      const i = y * width + x;
      inside[i] = 1;
      const alpha = feather > 0 ? Math.min(1, depth / feather) : 1;
      for (let c = 0; c < 3; c++) frame[i * 4 + c] = Math.round(template[i * 4 + c]! * (1 - alpha) + colour[c]! * alpha);
    }
  }
  return { frame, inside };
}

describe('seamVisibility', () => {
  const template = flat(128, 128, 128);

  it('measures a hard edge as the ΔE2000 between the two colours, on a flat template', () => {
    const { frame, inside } = pasteDisc(template, [200, 100, 100]);
    const seam = seamVisibility(frame, template, inside, width, height);
    expect(seam.outputStep).toBeCloseTo(deltaE2000(srgbToLab(200, 100, 100), srgbToLab(128, 128, 128)), 6);
    expect(seam.templateStep).toBe(0);
    expect(seam.gradientExcess).toBeGreaterThan(1);
    expect(seam.sectors).toBe(16);
  });

  it('finds no seam where the pasted region matches the template', () => {
    const { frame, inside } = pasteDisc(template, [128, 128, 128]);
    const seam = seamVisibility(frame, template, inside, width, height);
    expect(seam.outputStep).toBe(0);
    expect(seam.gradientExcess).toBe(0);
  });

  it('scores a feathered edge below a hard one', () => {
    const hard = pasteDisc(template, [200, 100, 100]);
    const soft = pasteDisc(template, [200, 100, 100], 12);
    const hardSeam = seamVisibility(hard.frame, template, hard.inside, width, height);
    const softSeam = seamVisibility(soft.frame, template, soft.inside, width, height);
    expect(softSeam.outputStep).toBeLessThan(hardSeam.outputStep / 2);
    expect(softSeam.gradientExcess).toBeLessThan(hardSeam.gradientExcess / 2);
  });

  it('does not blame the renderer for an edge the template already has', () => {
    // The template changes colour at the disc's edge itself; an output equal to it adds nothing.
    const { frame: edged, inside } = pasteDisc(template, [40, 160, 60]);
    const seam = seamVisibility(edged, edged, inside, width, height);
    expect(seam.outputStep).toBeCloseTo(seam.templateStep, 12);
    expect(seam.outputStep).toBeGreaterThan(10);
    expect(seam.gradientExcess).toBe(0);
  });
});

describe('changedRegion', () => {
  it('finds the pasted disc, filling a pixel that happens to equal the background', () => {
    const template = flat(128, 128, 128);
    const { frame, inside } = pasteDisc(template, [200, 100, 100]);
    const hole = (50 * width + 60) * 4;
    frame.set([128, 128, 128], hole);
    expect(changedRegion(frame, template, width, height)).toEqual(inside);
  });
  it('ignores differences within the threshold', () => {
    const template = flat(128, 128, 128);
    const frame = template.map((v, i) => (i % 4 === 3 ? v : v + 1));
    expect(changedRegion(frame, template, width, height).every((v) => v === 0)).toBe(true);
  });
});
