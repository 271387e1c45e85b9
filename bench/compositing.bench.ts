/**
 * What pasting a face into a frame costs, per frame, on one thread.
 *
 * Every case starts by copying the background into the frame (as the renderer does), so the
 * plain copy is the floor. The naive peer is the straightforward version written the obvious
 * way (float coordinates per pixel, `Math.floor`, bounds tests, float bilinear on RGBA bytes and
 * a float mask), fed the same crop and mask; the compositor is measured with colour matching
 * off and on (matching happens once, on the first frame, so it is timed separately as a
 * one-off, with the compositor's creation).
 *
 * Imports come from source so that the figures describe the code in the tree without a build.
 */
import { createFaceCompositor } from '../packages/core/src/render/compositing/faceCompositor';
import { faceOutline, faceRegion, rasteriseFaceMask } from '../packages/core/src/render/compositing/faceMask';
import { copyFrame } from '../packages/core/src/render/compositing/framePool';
import type { FaceLandmarks } from '../packages/core/src/detect/faceLandmarks';
import { EphemeralScope } from '../packages/core/src/purge/ephemeralScope';
import { invertAffine, similarityAffine } from '../packages/core/src/geometry/affine2d';
import type { Affine2D } from '../packages/core/src/geometry/affine2d';
import { type BenchSection, type BenchSuite, compareInterleaved, ms, ratio, table } from './harness';
import { background, syntheticPhoto } from './syntheticImages';

const photoSide = 1024;
/** Face oval in the synthetic photo: centre and radii. The face size is the larger side, 460 px. */
const oval = { cx: 512, cy: 540, rx: 180, ry: 230 };
const faceSizeInPhoto = 2 * oval.ry;

/** A 468-point stand-in for a face mesh: an elliptic rim and interior points. */
function ovalLandmarks(): FaceLandmarks {
  const count = 468;
  const rim = 36;
  const points = new Float32Array(count * 3);
  for (let i = 0; i < count; i++) {
    const t = (2 * Math.PI * i) / (i < rim ? rim : count - rim);
    const r = i < rim ? 1 : 0.2 + 0.7 * ((i * 0.618) % 1);
    points[3 * i] = oval.cx + oval.rx * r * Math.cos(t);
    points[3 * i + 1] = oval.cy + oval.ry * r * Math.sin(t);
  }
  return {
    imageWidth: photoSide,
    imageHeight: photoSide,
    pointCount: count,
    points,
    box: Float32Array.of(oval.cx - oval.rx, oval.cy - oval.ry, oval.cx + oval.rx, oval.cy + oval.ry),
    score: Float32Array.of(1),
  };
}

/** Photo → frame: the face scaled to `facePx`, turned slightly, centred in the frame. */
function placement(width: number, height: number, facePx: number): Affine2D {
  const scale = facePx / faceSizeInPhoto;
  const angle = 0.08;
  const c = scale * Math.cos(angle);
  const s = scale * Math.sin(angle);
  const tx = width / 2 - (c * oval.cx - s * oval.cy);
  const ty = height / 2 - (s * oval.cx + c * oval.cy);
  return similarityAffine(scale, angle, tx, ty);
}

/**
 * The obvious implementation, as a peer: per destination pixel in the warped box, float inverse
 * mapping, `Math.floor`, bounds tests, float bilinear on 4 channels and a float mask, float blend.
 */
function naiveComposite(
  frame: Uint8Array,
  width: number,
  height: number,
  crop: Uint8Array,
  mask: Float32Array,
  cropX: number,
  cropY: number,
  cropWidth: number,
  cropHeight: number,
  photoToFrame: Affine2D,
): void {
  const inv = invertAffine(photoToFrame)!;
  const [right, bottom] = [cropX + cropWidth, cropY + cropHeight];
  const corners = [cropX, cropY, right, cropY, cropX, bottom, right, bottom];
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (let k = 0; k < 8; k += 2) {
    const x = photoToFrame[0]! * corners[k]! + photoToFrame[1]! * corners[k + 1]! + photoToFrame[2]!;
    const y = photoToFrame[3]! * corners[k]! + photoToFrame[4]! * corners[k + 1]! + photoToFrame[5]!;
    x0 = Math.min(x0, x);
    x1 = Math.max(x1, x);
    y0 = Math.min(y0, y);
    y1 = Math.max(y1, y);
  }
  const xs = Math.max(0, Math.floor(x0));
  const ys = Math.max(0, Math.floor(y0));
  const xe = Math.min(width - 1, Math.ceil(x1));
  const ye = Math.min(height - 1, Math.ceil(y1));
  for (let y = ys; y <= ye; y++) {
    for (let x = xs; x <= xe; x++) {
      const u = inv[0]! * (x + 0.5) + inv[1]! * (y + 0.5) + inv[2]! - cropX - 0.5;
      const v = inv[3]! * (x + 0.5) + inv[4]! * (y + 0.5) + inv[5]! - cropY - 0.5;
      const iu = Math.floor(u);
      const iv = Math.floor(v);
      if (iu < 0 || iv < 0 || iu + 1 >= cropWidth || iv + 1 >= cropHeight) continue;
      const fu = u - iu;
      const fv = v - iv;
      const m = iv * cropWidth + iu;
      const a =
        (mask[m]! * (1 - fu) + mask[m + 1]! * fu) * (1 - fv) +
        (mask[m + cropWidth]! * (1 - fu) + mask[m + cropWidth + 1]! * fu) * fv;
      if (a <= 0) continue;
      const o = (y * width + x) * 4;
      for (let c = 0; c < 3; c++) {
        const p = m * 4 + c;
        const row = cropWidth * 4;
        const value =
          (crop[p]! * (1 - fu) + crop[p + 4]! * fu) * (1 - fv) +
          (crop[p + row]! * (1 - fu) + crop[p + row + 4]! * fu) * fv;
        frame[o + c] = Math.floor(frame[o + c]! * (1 - a) + value * a + 0.5);
      }
    }
  }
}

interface Config {
  readonly width: number;
  readonly height: number;
  readonly facePx: number;
}

const configs: readonly Config[] = [
  { width: 512, height: 512, facePx: 300 },
  { width: 512, height: 512, facePx: 600 },
  { width: 720, height: 1280, facePx: 300 },
  { width: 720, height: 1280, facePx: 600 },
];

const suite: BenchSuite = async () => {
  const scope = new EphemeralScope({ label: 'bench' });
  const photo = syntheticPhoto(scope, photoSide);
  const landmarks = ovalLandmarks();
  const featherFraction = 0.08;

  // The naive peer gets the same crop and mask, prepared outside the timed loop.
  const outline = faceOutline(landmarks.points, landmarks.pointCount);
  const region = faceRegion(outline, photoSide, photoSide);
  const maskBytes = rasteriseFaceMask(outline, region, featherFraction * region.faceSize);
  const mask = Float32Array.from(maskBytes, (v) => v / 255);
  const crop = new Uint8Array(region.width * region.height * 4);
  for (let row = 0; row < region.height; row++) {
    const from = ((region.y + row) * photoSide + region.x) * 4;
    crop.set(photo.pixels.value.subarray(from, from + region.width * 4), row * region.width * 4);
  }

  const options = { photo, landmarks, scope, featherFraction };
  const plain = createFaceCompositor({ ...options, colourMatchStrength: 0 });
  const matched = createFaceCompositor({ ...options, colourMatchStrength: 0.5 });

  const rows: string[][] = [];
  for (const { width, height, facePx } of configs) {
    const bg = background(width, height);
    const frame = new Uint8Array(bg.length);
    const m = placement(width, height, facePx);
    matched.rematchColour();
    const result = await compareInterleaved(
      {
        copy: () => copyFrame(bg, frame),
        naive: () => {
          copyFrame(bg, frame);
          const { x, y, width: cw, height: ch } = region;
          naiveComposite(frame, width, height, crop, mask, x, y, cw, ch, m);
        },
        compositor: () => {
          copyFrame(bg, frame);
          plain.composite(frame, width, height, m);
        },
        colourMatched: () => {
          copyFrame(bg, frame);
          matched.composite(frame, width, height, m);
        },
      },
      { warmup: 10, runs: 80 },
    );
    const cell = (sample: { median: number; min: number }) =>
      `${ms(sample.median)} / ${ms(sample.min)} (${(1000 / sample.median).toFixed(0)} fps)`;
    // The face's share: each case minus the copy every case starts with.
    const share = (key: 'median' | 'min', name: 'naive' | 'compositor') =>
      Math.max(1e-6, result[name][key] - result.copy[key]);
    const speedup = (key: 'median' | 'min') => ratio(share(key, 'naive'), share(key, 'compositor'));
    rows.push([
      `${width}×${height}, face ${facePx} px`,
      ms(result.copy.median),
      cell(result.naive),
      cell(result.compositor),
      cell(result.colourMatched),
      `${speedup('median')} / ${speedup('min')}`,
    ]);
  }

  // One-off costs: preparing a compositor, and the first frame's colour match.
  const bigBg = background(720, 1280);
  const bigFrame = new Uint8Array(bigBg.length);
  const big = placement(720, 1280, 600);
  const oneOff = await compareInterleaved(
    {
      createPlain: () =>
        createFaceCompositor({ ...options, scope: scope.child('plain'), colourMatchStrength: 0 }).purge(),
      createMatched: () =>
        createFaceCompositor({ ...options, scope: scope.child('matched'), colourMatchStrength: 0.5 }).purge(),
      firstFrameMatch: () => {
        matched.rematchColour();
        copyFrame(bigBg, bigFrame);
        matched.composite(bigFrame, 720, 1280, big);
      },
      laterFrame: () => {
        copyFrame(bigBg, bigFrame);
        matched.composite(bigFrame, 720, 1280, big);
      },
    },
    { warmup: 3, runs: 15 },
  );
  scope.purge();
  const both = (sample: { median: number; min: number }) => `${ms(sample.median)} / ${ms(sample.min)}`;

  const sections: BenchSection[] = [
    {
      title: 'Compositing: per frame',
      markdown: [
        'One thread. Each case copies the background into the frame, then pastes the face',
        '(inverse affine warp, bilinear, feathered mask, blend); the face is turned by 0.08 rad.',
        '"naive" is the obvious float/`Math.floor` version on the same crop and mask; "speed-up" is',
        "naive ÷ compositor on the face's share of the time (after subtracting the copy), from the",
        'medians / from the minimums (the minimums suffer least from a busy machine). Colour',
        'matching is done once, on the first frame, so later frames cost the same as without it.',
        'Median / minimum of 80 interleaved runs, ms per frame (fps at the median). A 600 px face',
        'in a 512×512 frame overflows it and is clipped.',
        '',
        table(
          ['frame, face', 'copy only', 'naive', 'compositor', 'compositor + colour match', 'speed-up'],
          rows,
        ),
      ].join('\n'),
    },
    {
      title: 'Compositing: one-off costs',
      markdown: [
        'Preparing a compositor from a 1024×1024 photo with a 460 px face (crop, mask, packing;',
        'with colour matching also the face statistics), and the first 720×1280 frame with a 600',
        'px face when it also measures the background and colour-matches the face, beside a later',
        'frame. 15 interleaved runs.',
        '',
        table(
          ['case', 'ms (median / min)'],
          [
            ['create, no colour match', both(oneOff.createPlain)],
            ['create, colour match 0.5', both(oneOff.createMatched)],
            ['first frame (measure + match + composite)', both(oneOff.firstFrameMatch)],
            ['later frame', both(oneOff.laterFrame)],
          ],
        ),
      ].join('\n'),
    },
  ];
  return sections;
};

export default suite;
