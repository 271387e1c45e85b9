import { describe, expect, it } from 'vitest';
import { deltaE2000, deltaE76, srgbToLab } from '../metrics/colourDifference';

describe('srgbToLab', () => {
  it('puts white at L 100 with no colour, and sRGB red where the standard says', () => {
    const white = srgbToLab(255, 255, 255);
    expect(white[0]).toBeCloseTo(100, 2);
    expect(Math.abs(white[1])).toBeLessThan(0.01);
    expect(Math.abs(white[2])).toBeLessThan(0.01);
    const red = srgbToLab(255, 0, 0);
    expect(red[0]).toBeCloseTo(53.24, 1);
    expect(red[1]).toBeCloseTo(80.09, 1);
    expect(red[2]).toBeCloseTo(67.2, 1);
    expect(srgbToLab(0, 0, 0)).toEqual([0, 0, 0]);
  });
});

describe('deltaE76', () => {
  it('is the Euclidean distance in Lab', () => {
    expect(deltaE76([50, 0, 0], [53, 4, 0])).toBeCloseTo(5, 12);
    expect(deltaE76([20, 10, -10], [20, 10, -10])).toBe(0);
  });
});

describe('deltaE2000', () => {
  // Pairs and expected differences from Sharma, Wu and Dalal's CIEDE2000 test data.
  const pairs: [[number, number, number], [number, number, number], number][] = [
    [[50, 2.6772, -79.7751], [50, 0, -82.7485], 2.0425],
    [[50, 3.1571, -77.2803], [50, 0, -82.7485], 2.8615],
    [[50, 2.8361, -74.02], [50, 0, -82.7485], 3.4412],
    [[50, 0, 0], [50, -1, 2], 2.3669],
    [[50, 2.5, 0], [73, 25, -18], 27.1492],
    [[60.2574, -34.0099, 36.2677], [60.4626, -34.1751, 39.4387], 1.2644],
  ];
  it.each(pairs)('matches the published value for %j vs %j', (first, second, expected) => {
    expect(deltaE2000(first, second)).toBeCloseTo(expected, 4);
    expect(deltaE2000(second, first)).toBeCloseTo(expected, 4);
  });
  it('is 0 for identical colours', () => {
    expect(deltaE2000([40, 12, -7], [40, 12, -7])).toBe(0);
  });
});
