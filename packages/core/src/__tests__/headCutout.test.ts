/**
 * The head cut-out on synthetic photos, where the truth is known: the matte is refined to the
 * photo's own edges (not the segmentation grid), is clipped cleanly at the photo's edge, drops a
 * neighbour that does not touch the head, says "no head" when no person is under the face; the
 * head layer moves with the transform, refuses a matte that does not fit, and is wiped with its
 * scope. The renderer falls back to the face cut, with a warning, when it cannot cut the head.
 */
import { describe, expect, it } from 'vitest';
import type { FaceLandmarks } from '../detect/faceLandmarks';
import { EphemeralScope } from '../purge/ephemeralScope';
import type { Wiper } from '../purge/wiper';
import { isAllZero } from '../purge/zeroFill';
import { InvalidArgumentError } from '../errors/invalidArgumentError';
import { generateVideo } from '../pipeline/generateVideo';
import { similarityAffine } from '../geometry/affine2d';
import type { RgbaImage } from '../ports/rgbaImage';
import type { PersonMatte } from '../segment/personMatte';
import { personMatteWiper } from '../segment/personMatte';
import type { PersonSegmenter } from '../segment/personSegmenter';
import { LocalRenderer } from '../render/localRenderer';
import { buildHeadMatte, headMatteWiper, headSegmentationRegion } from '../render/compositing/headMatte';
import type { HeadMatte } from '../render/compositing/headMatte';
import { createHeadLayer } from '../render/compositing/headLayer';
import { builtInTemplates } from '../templates/builtInTemplates';
import { createFakePlatform, fakePhoto } from './fakePorts';

interface Disc {
  readonly cx: number;
  readonly cy: number;
  readonly r: number;
}

const inDisc = (disc: Disc, x: number, y: number) => (x - disc.cx) ** 2 + (y - disc.cy) ** 2 <= disc.r ** 2;

/** A dark photo with bright discs (heads), held in `scope`. */
function discPhoto(scope: EphemeralScope, width: number, height: number, discs: readonly Disc[]): RgbaImage {
  const bytes = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const lit = discs.some((disc) => inDisc(disc, x + 0.5, y + 0.5));
      bytes.set(lit ? [230, 190, 160, 255] : [30, 30, 40, 255], (y * width + x) * 4);
    }
  }
  return { width, height, pixels: scope.hold(bytes, { kind: 'pixels', label: 'photo.pixels' }) };
}

/** A 468-point record whose chin (152) and top of forehead (10) are given; the rest unused here. */
function headLandmarks(width: number, height: number, chin: readonly [number, number], forehead: readonly [number, number]): FaceLandmarks {
  const points = new Float32Array(468 * 3);
  points.set([chin[0], chin[1], 0], 152 * 3);
  points.set([forehead[0], forehead[1], 0], 10 * 3);
  return { imageWidth: width, imageHeight: height, pointCount: 468, points, box: new Float32Array(4), score: Float32Array.of(1) };
}

/** What a segmenter would say of these discs: 1 in cells whose centre is in one, else 0. */
function discMatte(region: Float32Array, discs: readonly Disc[]): PersonMatte {
  const size = 256;
  const alpha = new Float32Array(size * size);
  const cell = region[2]! / size;
  for (let j = 0; j < size; j++) {
    for (let i = 0; i < size; i++) {
      const x = region[0]! + (i + 0.5) * cell;
      const y = region[1]! + (j + 0.5) * cell;
      alpha[j * size + i] = discs.some((disc) => inDisc(disc, x, y)) ? 1 : 0;
    }
  }
  return { region: region.slice(), size, alpha };
}

/** Bilinear upsampling of the matte at a photo pixel (what a cut-out without refinement shows). */
function bilinear(matte: PersonMatte, x: number, y: number): number {
  const cell = matte.region[2]! / matte.size;
  const cx = Math.min(matte.size - 1, Math.max(0, (x + 0.5 - matte.region[0]!) / cell - 0.5));
  const cy = Math.min(matte.size - 1, Math.max(0, (y + 0.5 - matte.region[1]!) / cell - 0.5));
  const x0 = Math.min(matte.size - 2, Math.floor(cx));
  const y0 = Math.min(matte.size - 2, Math.floor(cy));
  const fx = cx - x0;
  const fy = cy - y0;
  const at = (i: number, j: number) => matte.alpha[j * matte.size + i]!;
  return (at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx) * (1 - fy) + (at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx) * fy;
}

const alphaAt = (head: HeadMatte, x: number, y: number): number => {
  const [x0, y0, w, h] = head.region;
  if (x < x0! || y < y0! || x >= x0! + w! || y >= y0! + h!) return 0;
  return head.alpha[(y - y0!) * w! + (x - x0!)]! / 255;
};

describe('head matte', () => {
  // A face 600 px from chin to forehead: the segmentation grid is then 8.4 px a cell.
  const width = 1400;
  const height = 1500;
  const head: Disc = { cx: 700, cy: 620, r: 360 };
  const landmarks = () => headLandmarks(width, height, [700, 900], [700, 300]);

  it('follows the photo’s edge, not the 256-cell grid: at most half the error of plain upsampling', () => {
    using scope = new EphemeralScope({ label: 'test' });
    const photo = discPhoto(scope, width, height, [head]);
    const face = landmarks();
    const matte = discMatte(headSegmentationRegion(face)!, [head]);
    const cut = buildHeadMatte(photo, face, matte)!;
    expect(cut).toBeDefined();
    // Measured in the band within 12 px of the disc's edge, above the chin (below it the neck fade rules).
    let ours = 0;
    let plain = 0;
    let count = 0;
    for (let y = 0; y < 880; y++) {
      for (let x = 0; x < width; x++) {
        const distance = Math.hypot(x + 0.5 - head.cx, y + 0.5 - head.cy) - head.r;
        if (Math.abs(distance) > 12) continue;
        const truth = distance <= 0 ? 1 : 0;
        ours += Math.abs(alphaAt(cut, x, y) - truth);
        plain += Math.abs(bilinear(matte, x, y) - truth);
        count++;
      }
    }
    expect(ours / count).toBeLessThan((plain / count) * 0.5);
    // Well inside the head it is opaque; well outside, transparent.
    expect(alphaAt(cut, 700, 500)).toBe(1);
    expect(alphaAt(cut, 700, 620 - 360 - 20)).toBe(0);
  });

  it('drops a second person who does not touch the head, keeps what does', () => {
    using scope = new EphemeralScope({ label: 'test' });
    const neighbour: Disc = { cx: 1180, cy: 360, r: 120 };
    const photo = discPhoto(scope, width, height, [head, neighbour]);
    const face = landmarks();
    const cut = buildHeadMatte(photo, face, discMatte(headSegmentationRegion(face)!, [head, neighbour]))!;
    for (let y = 250; y < 470; y += 5) for (let x = 1080; x < 1290; x += 5) expect(alphaAt(cut, x, y)).toBe(0);
    expect(alphaAt(cut, 700, 400)).toBe(1);
  });

  it('says there is no head when no person is under the face', () => {
    using scope = new EphemeralScope({ label: 'test' });
    const photo = discPhoto(scope, width, height, [head]);
    const face = landmarks();
    expect(buildHeadMatte(photo, face, discMatte(headSegmentationRegion(face)!, []))).toBeUndefined();
  });

  it('clips a head cut by the photo’s top and left edges, and the layer still renders it', () => {
    using scope = new EphemeralScope({ label: 'test' });
    const small: Disc = { cx: 60, cy: 40, r: 90 };
    const photo = discPhoto(scope, 300, 300, [small]);
    const face = headLandmarks(300, 300, [60, 120], [60, -30]);
    const cut = buildHeadMatte(photo, face, discMatte(headSegmentationRegion(face)!, [small]))!;
    expect([cut.region[0], cut.region[1]]).toEqual([0, 0]);
    expect(alphaAt(cut, 5, 5)).toBe(1);
    const layer = createHeadLayer({ photo, matte: cut, scope, colourMatchStrength: 0 });
    const frame = new Uint8Array(300 * 300 * 4);
    layer.composite(frame, 300, 300, similarityAffine(1, 0, 0, 0));
    const at = (5 * 300 + 5) * 4;
    expect(Array.from(frame.subarray(at, at + 3))).toEqual([230, 190, 160]);
  });
});

describe('head layer', () => {
  it('puts the head where the transform says, leaves the rest of the frame alone', () => {
    using scope = new EphemeralScope({ label: 'test' });
    const disc: Disc = { cx: 100, cy: 90, r: 50 };
    const photo = discPhoto(scope, 200, 240, [disc]);
    const face = headLandmarks(200, 240, [100, 150], [100, 50]);
    const cut = buildHeadMatte(photo, face, discMatte(headSegmentationRegion(face)!, [disc]))!;
    const layer = createHeadLayer({ photo, matte: cut, scope, colourMatchStrength: 0 });
    const frame = new Uint8Array(400 * 400 * 4).fill(7);
    // Moved 150 px right and 100 px down.
    layer.composite(frame, 400, 400, similarityAffine(1, 0, 150, 100));
    const pixel = (x: number, y: number) => Array.from(frame.subarray((y * 400 + x) * 4, (y * 400 + x) * 4 + 3));
    expect(pixel(250, 190)).toEqual([230, 190, 160]);
    expect(pixel(100, 90)).toEqual([7, 7, 7]);
    expect(pixel(390, 390)).toEqual([7, 7, 7]);
    expect(layer.byteLength).toBeGreaterThan(0);
    scope.purge();
    expect(layer.isLive).toBe(false);
  });

  it('refuses a matte that does not fit the photo, allocating nothing', () => {
    using scope = new EphemeralScope({ label: 'test' });
    const photo = discPhoto(scope, 50, 50, []);
    const bad: HeadMatte[] = [
      { region: Int32Array.of(40, 40, 20, 20), alpha: new Uint8Array(400) },
      { region: Int32Array.of(0, 0, 10, 10), alpha: new Uint8Array(99) },
      { region: Int32Array.of(-1, 0, 10, 10), alpha: new Uint8Array(100) },
    ];
    for (const matte of bad) expect(() => createHeadLayer({ photo, matte, scope })).toThrow(InvalidArgumentError);
    expect(() => createHeadLayer({ photo, matte: { region: Int32Array.of(0, 0, 1, 1), alpha: new Uint8Array(1) }, scope, colourMatchStrength: 2 })).toThrow(InvalidArgumentError);
    const receipt = scope.purge();
    expect(receipt.records.map((record) => record.label)).toEqual(['photo.pixels']);
  });

  it('P1: a held head matte reads as zeros after the purge; a no-op wiper is caught', () => {
    const scope = new EphemeralScope({ label: 'test' });
    const matte: HeadMatte = { region: Int32Array.of(1, 2, 3, 4), alpha: new Uint8Array(12).fill(200) };
    scope.hold(matte, { kind: 'matte', label: 'head.matte', wiper: headMatteWiper });
    expect(scope.purge().records[0]).toMatchObject({ kind: 'matte', verified: true });
    expect(isAllZero(matte.alpha) && isAllZero(new Uint8Array(matte.region.buffer))).toBe(true);

    const mutantScope = new EphemeralScope({ label: 'mutant' });
    const kept: HeadMatte = { region: Int32Array.of(1, 2, 3, 4), alpha: new Uint8Array(12).fill(200) };
    const noOp: Wiper<HeadMatte> = { ...headMatteWiper, wipe: () => ({ method: 'none', bytes: 0, verified: false }) };
    mutantScope.hold(kept, { kind: 'matte', label: 'head.matte', wiper: noOp });
    mutantScope.purge();
    expect(isAllZero(kept.alpha)).toBe(false);
  });
});

/** A segmenter that "sees" a person everywhere, or nowhere. */
function fakeSegmenter(person: boolean, calls: number[]): PersonSegmenter {
  return {
    backend: 'fake',
    matteSize: 256,
    segment: async (_image, region, scope) => {
      calls.push(1);
      return scope.hold({ region: region.slice(), size: 256, alpha: new Float32Array(256 * 256).fill(person ? 1 : 0) }, { kind: 'matte', label: 'photo.matte', wiper: personMatteWiper });
    },
    dispose: () => undefined,
    [Symbol.dispose]: () => undefined,
  };
}

describe('the renderer and the head cut', () => {
  const consent = { purpose: 'face-video', processing: 'on-device', noticeVersion: 'v1', grantedAt: new Date().toISOString() } as const;
  const base = builtInTemplates[0]!;
  // Three frames: the keyframes past them dropped, the first moved to frame 0.
  const track = base.faceTrack.kind === 'keyframes' ? { ...base.faceTrack, keyframes: [{ ...base.faceTrack.keyframes[0]!, frame: 0 }] } : base.faceTrack;
  const template = { ...base, id: 'head-test', frameCount: 3, faceTrack: track, cutout: 'head' as const };

  async function generate(segmenter: PersonSegmenter | undefined) {
    const fake = createFakePlatform();
    const renderer = new LocalRenderer({ encoder: fake.encoder, ...(segmenter ? { segmenter } : {}) });
    return generateVideo({ photo: fakePhoto(), consent, template }, { decoder: fake.decoder, detector: fake.detector, renderer });
  }

  it('cuts the head once per video when a person is under the face: the matte is held and wiped', async () => {
    const calls: number[] = [];
    const result = await generate(fakeSegmenter(true, calls));
    result.video.purge();
    expect(calls).toHaveLength(1);
    expect(result.warnings).toBeUndefined();
    const mattes = result.receipt.records.filter((record) => record.kind === 'matte');
    expect(mattes.map((record) => record.label).sort()).toEqual(['head.matte', 'photo.matte']);
    expect(mattes.every((record) => record.verified)).toBe(true);
  });

  it('falls back to the face cut with a warning, not an error, when no person is under the face', async () => {
    const result = await generate(fakeSegmenter(false, []));
    result.video.purge();
    expect(result.warnings).toEqual([expect.objectContaining({ code: 'HEAD_CUTOUT_FALLBACK', reason: 'no-person-matte' })]);
    expect(result.receipt.records.some((record) => record.label === 'compositor.mask')).toBe(true);
  });

  it('falls back with a warning when the renderer has no segmenter', async () => {
    const result = await generate(undefined);
    result.video.purge();
    expect(result.warnings?.[0]?.reason).toBe('no-segmenter');
  });
});
