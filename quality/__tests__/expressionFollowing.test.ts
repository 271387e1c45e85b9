import { describe, expect, it } from 'vitest';
import { pearsonCorrelation, standardDeviation } from '../metrics/correlation';
import { expressionFollowing } from '../metrics/expressionFollowing';

describe('pearsonCorrelation', () => {
  it('is 1 for a linear rise, −1 for a linear fall, 0 for an orthogonal series', () => {
    const x = [1, 2, 3, 4, 5];
    expect(pearsonCorrelation(x, [3, 5, 7, 9, 11])).toBeCloseTo(1, 12);
    expect(pearsonCorrelation(x, [10, 8, 6, 4, 2])).toBeCloseTo(-1, 12);
    expect(pearsonCorrelation([1, -1, 1, -1], [1, 1, -1, -1])).toBeCloseTo(0, 12);
  });
  it('matches a hand-computed value', () => {
    // x = 1…4, y = 2, 1, 4, 3: Σdxdy = 3, Σdx² = Σdy² = 5 → r = 0.6.
    expect(pearsonCorrelation([1, 2, 3, 4], [2, 1, 4, 3])).toBeCloseTo(0.6, 12);
  });
  it('is NaN (undefined) for a constant series', () => {
    expect(pearsonCorrelation([1, 2, 3], [5, 5, 5])).toBeNaN();
  });
  it('refuses series of different lengths', () => {
    expect(() => pearsonCorrelation([1, 2], [1, 2, 3])).toThrow(/length/);
  });
});

describe('expressionFollowing', () => {
  const blink = Array.from({ length: 30 }, (_, i) => (i >= 10 && i < 14 ? 0.05 : 0.3));
  it('measures the correlation when both series move', () => {
    const followed = blink.map((v, i) => v * 0.9 + (i % 2) * 0.002);
    const result = expressionFollowing(blink, followed);
    expect(result.kind).toBe('measured');
    expect(result.kind === 'measured' && result.correlation).toBeGreaterThan(0.99);
  });
  it('says the output is static when only detection noise moves it', () => {
    const still = blink.map((_, i) => 0.3 + ((i * 7) % 5) * 0.001);
    const result = expressionFollowing(blink, still);
    expect(result.kind).toBe('static-output');
    expect(result.kind === 'static-output' && result.outputSpread).toBeCloseTo(standardDeviation(still), 12);
  });
  it('says the output is static when it moves under 30 % as much as the template', () => {
    // A blink moves the ratio by 0.25 (spread 0.087); a wobble of spread 0.02 is above the
    // absolute floor but far too little to be following it.
    const wobble = blink.map((_, i) => 0.3 + (i % 2 === 0 ? 0.02 : -0.02));
    const result = expressionFollowing(blink, wobble);
    expect(result.kind).toBe('static-output');
    expect(result.kind === 'static-output' && result.outputSpread).toBeCloseTo(0.02, 9);
  });
  it('says the template is static when the driving series does not move', () => {
    expect(expressionFollowing(Array(30).fill(0.3), blink).kind).toBe('static-template');
  });
  it('says when there are too few frames to correlate', () => {
    expect(expressionFollowing([0.3], [0.2])).toEqual({ kind: 'too-few-frames', frames: 1 });
  });
});
