/**
 * The head layer's row spans (issue #13): each row is clipped to the convex hull of the matte and
 * split around an excluded region, and the bilinear blend uses one multiply per lerp. None of it
 * may change a pixel: random mattes under random similarity transforms are composited and
 * compared with a plain per-pixel reference of the warp (every pixel of the box visited, two
 * multiplies per lerp, as the compositor did before). With an exclusion, pixels inside it (but
 * not the kept ones) must be left exactly as they were, and every other pixel must match.
 */
import { describe, expect, it } from 'vitest';
import { similarityAffine } from '../geometry/affine2d';
import type { Affine2D } from '../geometry/affine2d';
import type { RgbaImage } from '../ports/rgbaImage';
import { EphemeralScope } from '../purge/ephemeralScope';
import { createHeadLayer } from '../render/compositing/headLayer';
import type { HeadMatte } from '../render/compositing/headMatte';
import { excludeInsidePolygon, excludedSpan, exclusionLength } from '../render/compositing/frameExclusion';
import type { FrameExclusion } from '../render/compositing/frameExclusion';
import { coveredBox, frameToCrop } from '../render/compositing/warpBlend';

/** A small deterministic generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Case {
  readonly photo: RgbaImage;
  readonly matte: HeadMatte;
  readonly transform: Affine2D;
  readonly frame: Uint8Array;
}

const frameWidth = 160;
const frameHeight = 140;

/** A noisy photo, a matte that is a soft blob (zero around it, partly transparent at its edge). */
function makeCase(scope: EphemeralScope, seed: number): Case {
  const next = random(seed);
  const width = 40 + Math.floor(next() * 30);
  const height = 40 + Math.floor(next() * 30);
  const pixels = new Uint8Array(width * height * 4);
  for (let i = 0; i < pixels.length; i++) pixels[i] = Math.floor(next() * 256);
  const photo: RgbaImage = { width, height, pixels: scope.hold(pixels, { kind: 'pixels', label: 'test.photo' }) };
  const rx = 6 + Math.floor(next() * 8);
  const ry = 6 + Math.floor(next() * 8);
  const mw = width - 2 * rx;
  const mh = height - 2 * ry;
  const alpha = new Uint8Array(mw * mh);
  const cx = mw / 2 + (next() - 0.5) * 6;
  const cy = mh / 2 + (next() - 0.5) * 6;
  const radius = Math.min(mw, mh) * (0.25 + next() * 0.2);
  for (let y = 0; y < mh; y++) {
    for (let x = 0; x < mw; x++) {
      const d = Math.hypot((x + 0.5 - cx) * 1.2, y + 0.5 - cy) - radius;
      alpha[y * mw + x] = d < -3 ? 255 : d > 0 ? 0 : Math.round((-d / 3) * 255);
    }
  }
  const matte: HeadMatte = { region: Int32Array.of(rx, ry, mw, mh), alpha };
  const scale = 0.6 + next() * 3.4;
  const angle = (next() - 0.5) * 1.6;
  const transform = similarityAffine(scale, angle, frameWidth / 2 - scale * width * 0.5 + (next() - 0.5) * 60, frameHeight / 2 - scale * height * 0.5 + (next() - 0.5) * 60);
  const frame = new Uint8Array(frameWidth * frameHeight * 4);
  for (let i = 0; i < frame.length; i++) frame[i] = Math.floor(next() * 256);
  return { photo, matte, transform, frame };
}

/** The warp as it was, per pixel: every pixel of the box, bilinear with two multiplies per lerp. */
function reference(c: Case, frame: Uint8Array): void {
  const one = 65536;
  const lanes = 0x00ff00ff;
  const half = 0x00400040;
  const [x0, y0, cw, ch] = c.matte.region as unknown as [number, number, number, number];
  const photo = c.photo.pixels.value;
  const face = new Int32Array(cw * ch);
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      const p = ((y0 + y) * c.photo.width + x0 + x) * 4;
      face[y * cw + x] = photo[p]! | (photo[p + 1]! << 8) | (photo[p + 2]! << 16) | (c.matte.alpha[y * cw + x]! << 24);
    }
  }
  const inverse = new Float64Array(6);
  const box = new Int32Array(4);
  frameToCrop(c.transform, x0, y0, inverse);
  if (!coveredBox(c.transform, x0, y0, cw, ch, frameWidth, frameHeight, box)) return;
  const words = new Int32Array(frame.buffer, frame.byteOffset, frame.length >> 2);
  const uMax = (cw - 1) * one - 1;
  const vMax = (ch - 1) * one - 1;
  const du = Math.round(inverse[0]! * one);
  const dv = Math.round(inverse[3]! * one);
  for (let y = box[1]!; y <= box[3]!; y++) {
    const u0 = Math.round((inverse[1]! * y + inverse[2]!) * one);
    const v0 = Math.round((inverse[4]! * y + inverse[5]!) * one);
    for (let x = box[0]!; x <= box[2]!; x++) {
      const u = u0 + x * du;
      const v = v0 + x * dv;
      if (u < 0 || u > uMax || v < 0 || v > vMax) continue;
      const i = (v >> 16) * cw + (u >> 16);
      const [p00, p01, p10, p11] = [face[i]!, face[i + 1]!, face[i + cw]!, face[i + cw + 1]!];
      if ((p00 | p01 | p10 | p11) >>> 24 === 0) continue;
      const fx = (u >> 9) & 127;
      const gx = 128 - fx;
      const fy = (v >> 9) & 127;
      const gy = 128 - fy;
      const rbTop = (((p00 & lanes) * gx + (p01 & lanes) * fx + half) >> 7) & lanes;
      const gaTop = ((((p00 >> 8) & lanes) * gx + ((p01 >> 8) & lanes) * fx + half) >> 7) & lanes;
      const rbBottom = (((p10 & lanes) * gx + (p11 & lanes) * fx + half) >> 7) & lanes;
      const gaBottom = ((((p10 >> 8) & lanes) * gx + ((p11 >> 8) & lanes) * fx + half) >> 7) & lanes;
      const rb = ((rbTop * gy + rbBottom * fy + half) >> 7) & lanes;
      const ga = ((gaTop * gy + gaBottom * fy + half) >> 7) & lanes;
      const alpha = ga >> 16;
      const k = y * frameWidth + x;
      const f = words[k]!;
      if (alpha === 255) {
        words[k] = (f & 0xff000000) | rb | ((ga & 255) << 8);
      } else {
        const w = (alpha + 1) >> 1;
        const rbOut = (((f & lanes) * (128 - w) + rb * w + half) >> 7) & lanes;
        const gOut = (((f >> 8) & 255) * (128 - w) + (ga & 255) * w + 64) >> 7;
        words[k] = (f & 0xff000000) | rbOut | (gOut << 8);
      }
    }
  }
}

/** A random convex-ish polygon around the frame centre as an exclusion, with some kept pixels. */
function makeExclusion(seed: number): FrameExclusion {
  const next = random(seed);
  const n = 5 + Math.floor(next() * 8);
  const points = new Float64Array(n * 2);
  const cx = frameWidth / 2 + (next() - 0.5) * 40;
  const cy = frameHeight / 2 + (next() - 0.5) * 40;
  for (let k = 0; k < n; k++) {
    const angle = (k / n) * 2 * Math.PI;
    const r = 20 + next() * 30;
    points[2 * k] = cx + r * Math.cos(angle);
    points[2 * k + 1] = cy + r * Math.sin(angle);
  }
  const region = new Float64Array(exclusionLength(n));
  excludeInsidePolygon(points, 2, Array.from({ length: n }, (_, k) => k), 1, region);
  const keep = new Int32Array(21);
  const chosen = new Set<number>();
  while (chosen.size < 20) chosen.add(Math.floor((cy - 10 + next() * 20) * 1) * frameWidth + Math.floor(cx - 10 + next() * 20));
  const sorted = [...chosen].sort((a, b) => a - b);
  keep[0] = sorted.length;
  keep.set(sorted, 1);
  return { region, keep };
}

/** Index of the first byte where two buffers differ, or −1. */
function firstDifference(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : a.length;
}

describe('head layer spans: the hull and the exclusion change no pixel', () => {
  it('matches the per-pixel reference on 40 random mattes and transforms', () => {
    for (let seed = 1; seed <= 40; seed++) {
      using scope = new EphemeralScope({ label: 'spans' });
      const c = makeCase(scope, seed);
      const expected = c.frame.slice();
      reference(c, expected);
      const layer = createHeadLayer({ photo: c.photo, matte: c.matte, scope, colourMatchStrength: 0 });
      const actual = c.frame.slice();
      layer.composite(actual, frameWidth, frameHeight, c.transform);
      expect(firstDifference(actual, expected), `seed ${seed}`).toBe(-1);
      // It drew something (the reference is not vacuous).
      expect(firstDifference(expected, c.frame), `seed ${seed}`).toBeGreaterThanOrEqual(0);
    }
  });

  it('with an exclusion: the region is left alone except its kept pixels, the rest matches', () => {
    let skipped = 0;
    let keptDrawn = 0;
    const span = new Int32Array(2);
    for (let seed = 1; seed <= 40; seed++) {
      using scope = new EphemeralScope({ label: 'spans' });
      const c = makeCase(scope, seed);
      const expected = c.frame.slice();
      reference(c, expected);
      const exclusion = makeExclusion(seed + 1000);
      const layer = createHeadLayer({ photo: c.photo, matte: c.matte, scope, colourMatchStrength: 0 });
      const actual = c.frame.slice();
      layer.composite(actual, frameWidth, frameHeight, c.transform, exclusion);
      const kept = new Set(exclusion.keep.subarray(1, exclusion.keep[0]! + 1));
      for (let y = 0; y < frameHeight; y++) {
        const inside = excludedSpan(exclusion.region, y, span, 0);
        for (let x = 0; x < frameWidth; x++) {
          const k = (y * frameWidth + x) * 4;
          const skippedHere = inside && x >= span[0]! && x <= span[1]! && !kept.has(y * frameWidth + x);
          const want = skippedHere ? c.frame : expected;
          const same = actual[k] === want[k] && actual[k + 1] === want[k + 1] && actual[k + 2] === want[k + 2] && actual[k + 3] === want[k + 3];
          if (!same) expect.fail(`seed ${seed}: pixel (${x}, ${y}) ${skippedHere ? 'inside' : 'outside'} the exclusion`);
          const drawn = expected[k] !== c.frame[k] || expected[k + 1] !== c.frame[k + 1] || expected[k + 2] !== c.frame[k + 2];
          if (skippedHere && drawn) skipped++;
          if (inside && kept.has(y * frameWidth + x) && drawn) keptDrawn++;
        }
      }
    }
    // The exclusion really skipped drawn pixels, and kept ones were drawn.
    expect(skipped).toBeGreaterThan(10_000);
    expect(keptDrawn).toBeGreaterThan(50);
  });

  it('an exclusion is read as half-planes: the row span holds exactly the pixel centres inside', () => {
    const span = new Int32Array(2);
    const wrong: string[] = [];
    let insideCount = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const { region } = makeExclusion(seed);
      for (let y = 0; y < frameHeight; y++) {
        const any = excludedSpan(region, y, span, 0);
        for (let x = -2; x < frameWidth + 2; x++) {
          let inside = true;
          for (let k = 0; k < region[0]!; k++) {
            const at = exclusionLength(k);
            if (!(region[at]! * (x + 0.5) + region[at + 1]! * (y + 0.5) + region[at + 2]! > 0)) inside = false;
          }
          if (inside) insideCount++;
          if ((any && x >= span[0]! && x <= span[1]!) !== inside) wrong.push(`seed ${seed} (${x}, ${y})`);
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(insideCount).toBeGreaterThan(20 * 1000);
  });

  it('refuses a malformed exclusion before touching the frame', () => {
    using scope = new EphemeralScope({ label: 'spans' });
    const c = makeCase(scope, 7);
    const layer = createHeadLayer({ photo: c.photo, matte: c.matte, scope, colourMatchStrength: 0 });
    const frame = c.frame.slice();
    const good = makeExclusion(3);
    const unsorted = { region: good.region, keep: Int32Array.of(2, 50, 40) };
    const nan = { region: good.region.slice(), keep: good.keep };
    nan.region[4] = Number.NaN;
    for (const bad of [unsorted, nan, { region: new Float64Array(2), keep: good.keep }]) {
      expect(() => layer.composite(frame, frameWidth, frameHeight, c.transform, bad)).toThrow(/exclude/);
    }
    expect(frame).toEqual(c.frame);
  });
});
