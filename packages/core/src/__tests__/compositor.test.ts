import { describe, expect, it } from 'vitest';
import { measureLabStats } from '../render/compositing/colourTransfer';
import { createFaceCompositor } from '../render/compositing/faceCompositor';
import { faceOutline, faceRegion, rasteriseFaceMask } from '../render/compositing/faceMask';
import { FramePool, copyFrame } from '../render/compositing/framePool';
import type { FaceLandmarks } from '../detect/faceLandmarks';
import { EphemeralScope } from '../purge/ephemeralScope';
import { isAllZero } from '../purge/zeroFill';
import { InvalidArgumentError } from '../errors/invalidArgumentError';
import { PurgedError } from '../errors/purgedError';
import { affine, identityAffine, invertAffine, similarityAffine, transformPoints } from '../geometry/affine2d';
import type { Affine2D } from '../geometry/affine2d';
import type { RgbaImage } from '../ports/rgbaImage';
import { recordingWipers } from './recordingWipers';

type Rgb = readonly [number, number, number];

function makePhoto(
  scope: EphemeralScope,
  width: number,
  height: number,
  colour: (x: number, y: number) => Rgb,
): RgbaImage {
  const bytes = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = colour(x, y);
      bytes.set([r, g, b, 255], (y * width + x) * 4);
    }
  }
  return { width, height, pixels: scope.hold(bytes, { kind: 'pixels', label: 'photo.pixels' }) };
}

/** A mesh-like landmark record: an elliptic rim and some interior points. */
function ellipseLandmarks(
  width: number,
  height: number,
  cx: number,
  cy: number,
  rx: number,
  ry: number,
): FaceLandmarks {
  const rim = 72;
  const points = new Float32Array((rim + 4) * 3);
  for (let i = 0; i < rim; i++) {
    const t = (2 * Math.PI * i) / rim;
    points[3 * i] = cx + rx * Math.cos(t);
    points[3 * i + 1] = cy + ry * Math.sin(t);
  }
  points.set([cx, cy, 0, cx - rx / 3, cy, 0, cx + rx / 3, cy, 0, cx, cy + ry / 2, 0], rim * 3);
  return {
    imageWidth: width,
    imageHeight: height,
    pointCount: rim + 4,
    points,
    box: Float32Array.of(cx - rx, cy - ry, cx + rx, cy + ry),
    score: Float32Array.of(0.99),
  };
}

function solidFrame(width: number, height: number, [r, g, b]: Rgb): Uint8Array {
  const frame = new Uint8Array(width * height * 4);
  for (let i = 0; i < frame.length; i += 4) frame.set([r, g, b, 255], i);
  return frame;
}

/** Where photo pixel (x, y)'s centre lands, as the frame pixel that contains it. */
function landing(m: Affine2D, x: number, y: number): [number, number] {
  const p = transformPoints(m, Float64Array.of(x + 0.5, y + 0.5));
  return [Math.floor(p[0]!), Math.floor(p[1]!)];
}

function px(frame: Uint8Array, width: number, x: number, y: number): number[] {
  const o = (y * width + x) * 4;
  return [frame[o]!, frame[o + 1]!, frame[o + 2]!, frame[o + 3]!];
}

const grey: Rgb = [128, 128, 128];

describe('createFaceCompositor: warping', () => {
  it('reproduces the photo inside the mask under the identity transform', () => {
    using scope = new EphemeralScope({ label: 'test' });
    const [w, h] = [160, 180];
    const photo = makePhoto(scope, w, h, (x, y) => [(x * 7) & 255, (y * 5) & 255, (x * y) & 255]);
    const landmarks = ellipseLandmarks(w, h, 80, 90, 50, 70);
    const options = { photo, landmarks, scope, featherFraction: 0.1, colourMatchStrength: 0 };
    const compositor = createFaceCompositor(options);
    const frame = solidFrame(w, h, [1, 2, 3]);
    compositor.composite(frame, w, h, identityAffine());

    const outline = faceOutline(landmarks.points, landmarks.pointCount);
    const region = faceRegion(outline, w, h);
    const mask = rasteriseFaceMask(outline, region, 0.1 * region.faceSize);
    const photoBytes = photo.pixels.value;
    let solid = 0;
    const wrong: string[] = [];
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const inRegion =
          x >= region.x && y >= region.y && x < region.x + region.width && y < region.y + region.height;
        const m = inRegion ? mask[(y - region.y) * region.width + (x - region.x)]! : 0;
        const got = px(frame, w, x, y).join();
        if (m === 255) {
          solid++;
          if (got !== [...px(photoBytes, w, x, y).slice(0, 3), 255].join()) wrong.push(`${x},${y}`);
        } else if (m === 0 && got !== '1,2,3,255') {
          wrong.push(`${x},${y}`);
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(solid).toBeGreaterThan(5000);
  });

  it('puts a marked pixel where a translation or rotation says, within one pixel', () => {
    using scope = new EphemeralScope({ label: 'test' });
    const [w, h] = [200, 200];
    const mark = [96, 104] as const;
    const photo = makePhoto(scope, w, h, (x, y) => (x === mark[0] && y === mark[1] ? [255, 0, 0] : [0, 40, 0]));
    const landmarks = ellipseLandmarks(w, h, 100, 100, 60, 75);
    const compositor = createFaceCompositor({ photo, landmarks, scope, colourMatchStrength: 0 });
    const transforms = [
      affine(1, 0, 37.3, 0, 1, -12.6),
      similarityAffine(1, 0.4, 60, -20),
      similarityAffine(1.7, -0.9, 20, 190),
      similarityAffine(0.6, 2.5, 260, 150),
    ];
    for (const m of transforms) {
      const frame = solidFrame(320, 300, [0, 0, 0]);
      compositor.composite(frame, 320, 300, m);
      let best = -1;
      let at = [0, 0];
      for (let y = 0; y < 300; y++) {
        for (let x = 0; x < 320; x++) {
          const red = frame[(y * 320 + x) * 4]!;
          if (red > best) {
            best = red;
            at = [x, y];
          }
        }
      }
      const [ex, ey] = landing(m, mark[0], mark[1]);
      expect(best).toBeGreaterThan(40);
      expect(Math.abs(at[0]! - ex)).toBeLessThanOrEqual(1);
      expect(Math.abs(at[1]! - ey)).toBeLessThanOrEqual(1);
    }
  });

  it('interpolates linear ramps exactly (to the byte) under sub-pixel shifts, scaling and rotation', () => {
    using scope = new EphemeralScope({ label: 'test' });
    const [w, h] = [256, 256];
    // Red rises 1 per pixel to the right, green 1 per pixel downward.
    const photo = makePhoto(scope, w, h, (x, y) => [x, y, 100]);
    const landmarks = ellipseLandmarks(w, h, 128, 128, 90, 90);
    const options = { photo, landmarks, scope, featherFraction: 0.05, colourMatchStrength: 0 };
    const compositor = createFaceCompositor(options);
    const transforms = [
      affine(1, 0, 0.25, 0, 1, 0.625),
      similarityAffine(2.3, 0.3, -100, -60),
      similarityAffine(0.7, -1.1, 30, 200),
    ];
    for (const m of transforms) {
      const frame = solidFrame(300, 300, [0, 0, 0]);
      compositor.composite(frame, 300, 300, m);
      const back = invertAffine(m)!;
      let checked = 0;
      for (let y = 0; y < 300; y += 3) {
        for (let x = 0; x < 300; x += 3) {
          // Source position in pixel-index coordinates (centres at integers).
          const p = transformPoints(back, Float64Array.of(x + 0.5, y + 0.5));
          const sx = p[0]! - 0.5;
          const sy = p[1]! - 0.5;
          // Solid part of the mask only: well inside the 90 px circle.
          if (Math.hypot(sx - 127.5, sy - 127.5) > 70) continue;
          const [r, g, b] = px(frame, 300, x, y);
          expect(Math.abs(r! - sx)).toBeLessThanOrEqual(1);
          expect(Math.abs(g! - sy)).toBeLessThanOrEqual(1);
          expect(b).toBe(100);
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(500);
    }
  });

  it('leaves the background byte-identical outside the face', () => {
    using scope = new EphemeralScope({ label: 'test' });
    const [w, h] = [200, 220];
    const photo = makePhoto(scope, w, h, () => [250, 250, 250]);
    const landmarks = ellipseLandmarks(w, h, 100, 110, 60, 80);
    const compositor = createFaceCompositor({ photo, landmarks, scope, colourMatchStrength: 0.7 });
    const [fw, fh] = [240, 260];
    const background = new Uint8Array(fw * fh * 4);
    for (let i = 0; i < background.length; i++) background[i] = (i * 2654435761) >>> 27;
    const frame = background.slice();
    const m = similarityAffine(0.9, 0.35, 40, -5);
    compositor.composite(frame, fw, fh, m);
    // Box of the warped outline, one pixel wider for the bilinear footprint.
    const rim = transformPoints(m, landmarks.points, 3);
    let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
    for (let i = 0; i < rim.length; i += 3) {
      x0 = Math.min(x0, rim[i]!);
      x1 = Math.max(x1, rim[i]!);
      y0 = Math.min(y0, rim[i + 1]!);
      y1 = Math.max(y1, rim[i + 1]!);
    }
    let changedInside = 0;
    let changedOutside = 0;
    for (let y = 0; y < fh; y++) {
      for (let x = 0; x < fw; x++) {
        const o = (y * fw + x) * 4;
        const same =
          frame[o] === background[o] && frame[o + 1] === background[o + 1] && frame[o + 2] === background[o + 2];
        const outside =
          x < Math.floor(x0) - 1 || x > Math.ceil(x1) + 1 || y < Math.floor(y0) - 1 || y > Math.ceil(y1) + 1;
        if (!same && outside) changedOutside++;
        if (!same && !outside) changedInside++;
      }
    }
    expect(changedOutside).toBe(0);
    expect(changedInside).toBeGreaterThan(5000);
    // Alpha is never written.
    let alphaChanged = 0;
    for (let o = 3; o < frame.length; o += 4) if (frame[o] !== background[o]) alphaChanged++;
    expect(alphaChanged).toBe(0);
  });

  it('gives the same picture on word-aligned and unaligned frames (two code paths)', () => {
    using scope = new EphemeralScope({ label: 'test' });
    const photo = makePhoto(scope, 150, 150, (x, y) => [(x * 3) & 255, (y * 5) & 255, (x ^ y) & 255]);
    const landmarks = ellipseLandmarks(150, 150, 75, 75, 50, 60);
    const compositor = createFaceCompositor({ photo, landmarks, scope, colourMatchStrength: 0 });
    const [fw, fh] = [170, 160];
    const background = new Uint8Array(fw * fh * 4).map((_, i) => (i * 7919) & 255);
    const aligned = background.slice();
    const unaligned = new Uint8Array(background.length + 1).subarray(1);
    unaligned.set(background);
    const m = similarityAffine(1.1, 0.5, 70, -30);
    compositor.composite(aligned, fw, fh, m);
    compositor.composite(unaligned, fw, fh, m);
    let maxDiff = 0;
    let changed = 0;
    for (let i = 0; i < aligned.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(aligned[i]! - unaligned[i]!));
      if (aligned[i] !== background[i]) changed++;
    }
    expect(changed).toBeGreaterThan(10000);
    expect(maxDiff).toBeLessThanOrEqual(1);
  });

  it('clips a face partly or wholly outside the frame without errors', () => {
    using scope = new EphemeralScope({ label: 'test' });
    const photo = makePhoto(scope, 200, 200, () => [255, 255, 255]);
    const landmarks = ellipseLandmarks(200, 200, 100, 100, 60, 80);
    const compositor = createFaceCompositor({ photo, landmarks, scope, colourMatchStrength: 0 });
    for (const [tx, ty, changes] of [
      [-100, -100, true],
      [60, -30, true],
      [-30, 40, true],
      [500, 10, false],
      [-400, -400, false],
    ] as const) {
      const frame = solidFrame(120, 90, [0, 0, 0]);
      compositor.composite(frame, 120, 90, affine(1, 0, tx, 0, 1, ty));
      const changed = frame.some((v, i) => (i & 3) !== 3 && v !== 0);
      expect([tx, ty, changed]).toEqual([tx, ty, changes]);
    }
    // Shrunk to a dot: at most a pixel or two change, and nothing throws.
    const dot = solidFrame(120, 90, [0, 0, 0]);
    compositor.composite(dot, 120, 90, similarityAffine(1e-4, 0.3, 60.5, 40.5));
    expect(dot.filter((v, i) => (i & 3) !== 3 && v !== 0).length).toBeLessThanOrEqual(6);
    // A face seen from inside, bigger than the whole frame.
    const frame = solidFrame(64, 64, [0, 0, 0]);
    compositor.composite(frame, 64, 64, similarityAffine(20, 0.2, -1900, -1900));
    expect(frame.every((v, i) => (i & 3) === 3 || v === 255)).toBe(true);
  });
});

describe('createFaceCompositor: colour', () => {
  it('matches the face toward the background it covers in the first frame', () => {
    using scope = new EphemeralScope({ label: 'test' });
    const [w, h] = [160, 160];
    const skin = (x: number, y: number): Rgb => [200 + ((x * 3 + y) % 40), 150 + ((x + y * 7) % 30), 120 + (x % 20)];
    const photo = makePhoto(scope, w, h, skin);
    const landmarks = ellipseLandmarks(w, h, 80, 80, 55, 65);
    const frameColour = (x: number, y: number): Rgb => [
      70 + ((x * 5 + y) % 50),
      100 + ((y * 3) % 40),
      160 + ((x + y) % 30),
    ];
    const [fw, fh] = [200, 200];
    const background = new Uint8Array(fw * fh * 4);
    for (let y = 0; y < fh; y++) {
      for (let x = 0; x < fw; x++) background.set([...frameColour(x, y), 255], (y * fw + x) * 4);
    }
    const m = affine(1, 0, 20, 0, 1, 20);

    const lab = (frame: Uint8Array) => {
      // Pixels deep inside the face only.
      const inside: number[] = [];
      for (let y = 60; y < 140; y++) for (let x = 70; x < 130; x++) inside.push(...px(frame, fw, x, y));
      return measureLabStats(Uint8Array.from(inside));
    };
    const results = [0, 1].map((strength) => {
      const compositor = createFaceCompositor({ photo, landmarks, scope, colourMatchStrength: strength });
      const frame = background.slice();
      compositor.composite(frame, fw, fh, m);
      // A second frame over a different background keeps the first match (no flicker).
      const second = solidFrame(fw, fh, [0, 255, 0]);
      compositor.composite(second, fw, fh, m);
      const row = (f: Uint8Array) => f.subarray((100 * fw + 70) * 4, (100 * fw + 130) * 4);
      expect(Buffer.compare(row(second), row(frame))).toBe(0);
      compositor.purge();
      return lab(frame);
    });
    const target = lab(background);
    const face = results[0]!;
    const matched = results[1]!;
    expect(Math.abs(face[0]! - target[0]!)).toBeGreaterThan(10);
    for (let c = 0; c < 3; c++) expect(Math.abs(matched[c]! - target[c]!)).toBeLessThan(3);
  });

  it('matches toward given statistics at creation, and measures again after rematchColour()', () => {
    using scope = new EphemeralScope({ label: 'test' });
    const photo = makePhoto(scope, 100, 100, (x) => [180 + (x % 30), 140, 110]);
    const landmarks = ellipseLandmarks(100, 100, 50, 50, 35, 40);
    const dark = measureLabStats(Uint8Array.of(40, 40, 60, 255, 60, 50, 70, 255));
    const compositor = createFaceCompositor({ photo, landmarks, scope, colourMatchStrength: 1, colourTarget: dark });
    const frame = solidFrame(100, 100, [255, 255, 255]);
    compositor.composite(frame, 100, 100, identityAffine());
    const centre = px(frame, 100, 50, 50);
    expect(centre[0]).toBeLessThan(90);
    compositor.rematchColour();
    const bright = solidFrame(100, 100, [250, 250, 250]);
    compositor.composite(bright, 100, 100, identityAffine());
    expect(px(bright, 100, 50, 50)[1]).toBeGreaterThan(200);
  });
});

describe('createFaceCompositor: lifetime and bad input', () => {
  it('keeps memory constant over frames and leaves every buffer zero after purge (P1)', () => {
    const { held, wipers } = recordingWipers();
    const scope = new EphemeralScope({ label: 'generation', wipers });
    const photo = makePhoto(scope, 120, 140, (x, y) => [(x + 1) | 1, (y + 1) | 1, 77]);
    const compositor = createFaceCompositor({ photo, landmarks: ellipseLandmarks(120, 140, 60, 70, 40, 50), scope });
    const pool = new FramePool({ scope, width: 160, height: 160 });
    const background = solidFrame(160, 160, [30, 60, 90]);
    const bytes = compositor.byteLength;
    const live = scope.liveHandles;
    for (let i = 0; i < 40; i++) {
      const frame = pool.acquire();
      copyFrame(background, frame.value);
      compositor.composite(frame.value, 160, 160, similarityAffine(1 + i / 40, i / 20, 20, 10));
      pool.release(frame);
    }
    expect(compositor.byteLength).toBe(bytes);
    expect(scope.liveHandles).toBe(live + 1);
    expect(pool.allocated).toBe(1);
    // Crop, mask, packed, matched, stats, inverse, extent, a frame, and the photo itself.
    expect(held.length).toBeGreaterThanOrEqual(9);
    const bytesOf = (view: ArrayBufferView) => new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    expect(held.some((view) => !isAllZero(bytesOf(view)))).toBe(true);

    const receipt = scope.purge();
    expect(held.filter((view) => !isAllZero(bytesOf(view)))).toEqual([]);
    expect(receipt.records.every((record) => record.verified === true)).toBe(true);
    expect(receipt.records.some((record) => record.kind === 'aligned-face')).toBe(true);
    expect(receipt.records.some((record) => record.kind === 'frame')).toBe(true);
    expect(scope.liveHandles).toBe(0);
    expect(compositor.isLive).toBe(false);
    expect(() => compositor.composite(background, 160, 160, identityAffine())).toThrow(PurgedError);
    expect(() => pool.acquire()).toThrow(PurgedError);
  });

  it('rejects degenerate input with InvalidArgumentError and leaves nothing live', () => {
    using scope = new EphemeralScope({ label: 'test' });
    const photo = makePhoto(scope, 100, 100, () => grey);
    const good = ellipseLandmarks(100, 100, 50, 50, 30, 40);
    const baseline = scope.liveHandles;
    const empty: FaceLandmarks = { ...good, pointCount: 0, points: new Float32Array(0) };
    const badInputs: (() => unknown)[] = [
      () => createFaceCompositor({ photo, landmarks: empty, scope }),
      () => createFaceCompositor({ photo, landmarks: { ...good, imageWidth: 99 }, scope }),
      () => createFaceCompositor({ photo, landmarks: ellipseLandmarks(100, 100, 50, 50, 0, 40), scope }),
      () => createFaceCompositor({ photo, landmarks: ellipseLandmarks(100, 100, 500, 500, 30, 40), scope }),
      () => createFaceCompositor({ photo: { ...photo, width: 99 }, landmarks: good, scope }),
      () => createFaceCompositor({ photo, landmarks: good, scope, featherFraction: 0.9 }),
      () => createFaceCompositor({ photo, landmarks: good, scope, colourMatchStrength: -1 }),
      () => createFaceCompositor({ photo, landmarks: good, scope, label: 'no spaces allowed' }),
      () => createFaceCompositor({ photo, landmarks: good, scope, colourTarget: new Float64Array(2) }),
    ];
    for (const bad of badInputs) {
      expect(bad).toThrow(InvalidArgumentError);
      expect(scope.liveHandles).toBe(baseline);
    }

    const compositor = createFaceCompositor({ photo, landmarks: good, scope });
    const frame = solidFrame(50, 50, grey);
    const before = frame.slice();
    const badFrames: (() => unknown)[] = [
      () => compositor.composite(frame, 50, 50, affine(1, 2, 0, 2, 4, 0)),
      () => compositor.composite(frame, 50, 50, affine(0, 0, 0, 0, 0, 0)),
      () => compositor.composite(frame, 50, 50, affine(1, 0, Number.NaN, 0, 1, 0)),
      () => compositor.composite(frame, 50, 50, new Float64Array(4)),
      () => compositor.composite(frame, 50, 49, identityAffine()),
      () => compositor.composite(frame.subarray(4), 50, 50, identityAffine()),
      () => compositor.composite(frame, 0, 0, identityAffine()),
    ];
    for (const bad of badFrames) expect(bad).toThrow(InvalidArgumentError);
    expect(Buffer.compare(frame, before)).toBe(0);

    // A purged photo or scope is refused the same way, with nothing new held.
    const closed = new EphemeralScope({ label: 'closed' });
    closed.purge();
    expect(() => createFaceCompositor({ photo, landmarks: good, scope: closed })).toThrow(PurgedError);
    photo.pixels.purge();
    expect(() => createFaceCompositor({ photo, landmarks: good, scope })).toThrow(PurgedError);
  });
});

describe('FramePool and copyFrame', () => {
  it('reuses frames up to capacity and refuses to grow past it', () => {
    using scope = new EphemeralScope({ label: 'test' });
    const pool = new FramePool({ scope, width: 4, height: 3, capacity: 2, wipeOnRelease: true });
    const a = pool.acquire();
    const b = pool.acquire();
    expect(a.value.length).toBe(48);
    expect(() => pool.acquire()).toThrow(InvalidArgumentError);
    a.value.fill(9);
    pool.release(a);
    expect(() => pool.release(a)).toThrow(InvalidArgumentError);
    const c = pool.acquire();
    expect(c).toBe(a);
    expect(isAllZero(c.value)).toBe(true);
    expect(pool.allocated).toBe(2);
    expect(pool.inUse).toBe(2);
    copyFrame(Uint8Array.from({ length: 48 }, (_, i) => i), b.value);
    expect(b.value[47]).toBe(47);
    expect(() => copyFrame(new Uint8Array(4), b.value)).toThrow(InvalidArgumentError);
    const bytes = b.value;
    expect(isAllZero(bytes)).toBe(false);
    pool.purge();
    expect(isAllZero(bytes)).toBe(true);
    expect(b.isLive).toBe(false);
    expect(() => pool.acquire()).toThrow(PurgedError);
    expect(() => new FramePool({ scope, width: 0, height: 3 })).toThrow(InvalidArgumentError);
  });
});
