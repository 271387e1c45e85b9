import { describe, expect, it } from 'vitest';
import { applyColourTransfer, measureLabStats } from '../render/compositing/colourTransfer';
import { InvalidArgumentError } from '../errors/invalidArgumentError';

/** Deterministic pseudo-random bytes (xorshift), so textures are the same on every run. */
function noise(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

/** RGBA texture around a base colour with per-pixel spread. */
function texture(count: number, base: [number, number, number], spread: number, seed: number): Uint8Array {
  const random = noise(seed);
  const rgba = new Uint8Array(count * 4);
  for (let i = 0; i < count; i++) {
    const shade = (random() - 0.5) * spread;
    for (let c = 0; c < 3; c++) {
      rgba[4 * i + c] = Math.max(0, Math.min(255, Math.round(base[c]! + shade + (random() - 0.5) * spread * 0.3)));
    }
    rgba[4 * i + 3] = 255;
  }
  return rgba;
}

describe('measureLabStats', () => {
  it('matches published L*a*b* values for pure colours', () => {
    const red = measureLabStats(Uint8Array.of(255, 0, 0, 255, 255, 0, 0, 255));
    expect(red[0]).toBeCloseTo(53.24, 1);
    expect(red[1]).toBeCloseTo(80.09, 1);
    expect(red[2]).toBeCloseTo(67.2, 1);
    expect(red[3]).toBeCloseTo(0, 6);
    const white = measureLabStats(Uint8Array.of(255, 255, 255, 255));
    expect(white[0]).toBeCloseTo(100, 2);
    expect(Math.abs(white[1]!)).toBeLessThan(0.01);
    expect(Math.abs(white[2]!)).toBeLessThan(0.01);
  });

  it('weights pixels, and ignores those of weight zero', () => {
    const rgba = Uint8Array.of(255, 255, 255, 255, 0, 0, 0, 255);
    expect(measureLabStats(rgba, Uint8Array.of(0, 9))[0]).toBeCloseTo(0, 6);
    const half = measureLabStats(rgba, Uint8Array.of(1, 1));
    expect(half[0]).toBeCloseTo(50, 4);
    expect(half[3]).toBeCloseTo(50, 4);
    expect(() => measureLabStats(rgba, Uint8Array.of(0, 0))).toThrow(InvalidArgumentError);
    expect(() => measureLabStats(rgba, Uint8Array.of(1))).toThrow(InvalidArgumentError);
  });
});

describe('applyColourTransfer (Reinhard in L*a*b*)', () => {
  const count = 4096;
  const face = texture(count, [200, 150, 120], 50, 7);
  const background = texture(count, [90, 110, 150], 80, 11);
  const source = measureLabStats(face);
  const target = measureLabStats(background);

  it('leaves pixels unchanged at strength 0', () => {
    const out = new Uint8Array(face.length);
    applyColourTransfer(face, out, source, target, 0);
    expect(Buffer.compare(out, face)).toBe(0);
  });

  it('moves mean and spread toward the target by the strength', () => {
    for (const strength of [0.25, 0.5, 1]) {
      const out = new Uint8Array(face.length);
      applyColourTransfer(face, out, source, target, strength);
      const result = measureLabStats(out);
      for (let c = 0; c < 6; c++) {
        const expected = source[c]! + strength * (target[c]! - source[c]!);
        // One L*a*b* unit: quantising back to 8-bit sRGB moves statistics by a fraction of that.
        expect(Math.abs(result[c]! - expected)).toBeLessThan(1);
      }
    }
    // The statistics really differ to begin with, so the check above can fail.
    expect(Math.abs(source[0]! - target[0]!)).toBeGreaterThan(10);
    expect(Math.abs(source[5]! - target[5]!)).toBeGreaterThan(2);
  });

  it('converts only where the mask is set, in place, and keeps alpha', () => {
    const rgba = face.slice(0, 16);
    rgba[3] = 17;
    const only = Uint8Array.of(255, 0, 1, 0);
    const before = rgba.slice();
    applyColourTransfer(rgba, rgba, source, target, 1, only);
    expect(rgba.subarray(4, 8)).toEqual(before.subarray(4, 8));
    expect(rgba.subarray(12, 16)).toEqual(before.subarray(12, 16));
    expect(rgba.subarray(0, 3)).not.toEqual(before.subarray(0, 3));
    expect(rgba[3]).toBe(17);
  });

  it('rejects mismatched sizes and strengths out of range', () => {
    const out = new Uint8Array(8);
    expect(() => applyColourTransfer(face, out, source, target, 1)).toThrow(InvalidArgumentError);
    expect(() => applyColourTransfer(face, face.slice(), source, target, 1.5)).toThrow(InvalidArgumentError);
    expect(() => applyColourTransfer(face, face.slice(), source, target, Number.NaN)).toThrow(InvalidArgumentError);
  });
});
