/**
 * The head layer skips what the mesh face will cover (issue #13): the real fixture face, its head
 * layer and its mesh face render the default template's frames once with the exclusion and once
 * without (separate instances, so that no state is shared); the final frames must be equal (one
 * level allowed). The exclusion must also be real: the head layer alone leaves most of the face
 * unwritten. A control grows the region past the face outline and must make the frames differ,
 * so the comparison can fail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaceLandmarks } from '../detect/faceLandmarks';
import { fivePointsFromMesh } from '../align/fivePoints';
import { fitSimilarity } from '../geometry/fitSimilarity';
import type { RgbaImage } from '../ports/rgbaImage';
import { EphemeralScope } from '../purge/ephemeralScope';
import { BackgroundRenderer } from '../render/backgroundRenderer';
import { createHeadLayer } from '../render/compositing/headLayer';
import { buildHeadMatte, headMatteWiper, headSegmentationRegion } from '../render/compositing/headMatte';
import { excludedSpan } from '../render/compositing/frameExclusion';
import { createMeshFaceRenderer } from '../render/mesh/meshFaceRenderer';
import { resolveFaceTrack } from '../templates/resolveFaceTrack';
import { defaultTemplateId, getBuiltInTemplate } from '../templates/builtInTemplates';
import type { RenderQuality } from '../render/mesh/renderQuality';
import { loadFaceWithMesh } from './meshTestKit';

let scope: EphemeralScope;
let photo: RgbaImage;
let face: FaceLandmarks;

beforeAll(async () => {
  scope = new EphemeralScope({ label: 'head-layer-exclusion-test' });
  ({ photo, face } = await loadFaceWithMesh('astronaut.png', scope));
}, 120_000);

afterAll(() => scope.purge());

const template = getBuiltInTemplate(defaultTemplateId)!;
const { width, height, fps, frameCount } = template;

/** One renderer's worth of layers: the head layer (matte from an all-person segmentation) and the mesh face. */
function layers(run: EphemeralScope, quality: RenderQuality) {
  const region = headSegmentationRegion(face)!;
  const person = { region: region.slice(), size: 256, alpha: new Float32Array(256 * 256).fill(1) };
  const matte = buildHeadMatte(photo, face, person)!;
  run.hold(matte, { kind: 'matte', label: 'test.matte', wiper: headMatteWiper });
  const head = createHeadLayer({ photo, matte, scope: run, colourMatchStrength: template.colourMatch.strength });
  const mesh = createMeshFaceRenderer({
    photo,
    landmarks: face,
    scope: run,
    width,
    height,
    fps,
    frameCount,
    colourMatchStrength: template.colourMatch.strength,
    quality,
  });
  return { head, mesh };
}

/** `frame` → its five target points moved by `warp` (scale and turn about the frame centre). */
function warpPoints(points: Float32Array, scale: number, angle: number): void {
  const cx = width / 2;
  const cy = height / 2;
  const c = Math.cos(angle) * scale;
  const s = Math.sin(angle) * scale;
  for (let i = 0; i < points.length; i += 2) {
    const x = points[i]! - cx;
    const y = points[i + 1]! - cy;
    points[i] = cx + c * x - s * y;
    points[i + 1] = cy + s * x + c * y;
  }
}

interface Outcome {
  readonly maxDiff: number;
  readonly differing: number;
  /** Over the frames: pixels the exclusion named, and how many of them the head layer alone left as they were. */
  readonly excluded: number;
  readonly untouched: number;
}

/**
 * Render `frames` with and without the exclusion and compare. `grow` widens every exclusion
 * (pixels) past what is safe: the control.
 */
function compare(
  frames: readonly number[],
  warp: { scale: number; angle: number } | undefined,
  quality: RenderQuality = 'standard',
  grow = 0,
): Outcome {
  const run = scope.child('compare');
  try {
    const plain = layers(run, quality);
    const skipping = layers(run, quality);
    const background = new BackgroundRenderer(template);
    const track = resolveFaceTrack(template);
    const photoPoints = run.hold(fivePointsFromMesh(face), { kind: 'landmarks', label: 'test.points5' }).value;
    const points = run.hold(new Float32Array(10), { kind: 'landmarks', label: 'test.frame-points5' }).value;
    const a = run.hold(new Uint8Array(width * height * 4), { kind: 'frame', label: 'test.a' }).value;
    const b = run.hold(new Uint8Array(width * height * 4), { kind: 'frame', label: 'test.b' }).value;
    const probe = run.hold(new Uint8Array(width * height * 4), { kind: 'frame', label: 'test.probe' }).value;
    const span = new Int32Array(2);
    let maxDiff = 0;
    let differing = 0;
    let excluded = 0;
    let untouched = 0;
    for (const index of frames) {
      track(index, points);
      if (warp) warpPoints(points, warp.scale, warp.angle);
      const fit = fitSimilarity(photoPoints, points);
      background.render(index, a);
      b.set(a);
      plain.head.composite(a, width, height, fit.transform);
      plain.mesh.draw(a, index, points);

      const exclusion = skipping.mesh.place(index, points);
      if (exclusion && grow !== 0) {
        for (let k = 0; k < exclusion.region[0]!; k++) exclusion.region[3 + k * 3 + 2]! += grow;
      }
      skipping.head.composite(b, width, height, fit.transform, exclusion);
      if (exclusion) {
        // What the head layer alone (after the frame above: its colour target is measured once) leaves of the region: a probe frame of a colour no photo has.
        const sentinel = 0x00030201; // r 1, g 2, b 3, alpha 0: a colour the layer does not write
        new Uint32Array(probe.buffer, probe.byteOffset, probe.length >> 2).fill(sentinel);
        skipping.head.composite(probe, width, height, fit.transform, exclusion);
        const kept = new Set(Array.from(exclusion.keep.subarray(1, exclusion.keep[0]! + 1)));
        for (let y = 0; y < height; y++) {
          if (!excludedSpan(exclusion.region, y, span, 0)) continue;
          for (let x = Math.max(0, span[0]!); x <= Math.min(width - 1, span[1]!); x++) {
            if (kept.has(y * width + x)) continue;
            excluded++;
            const o = (y * width + x) * 4;
            if (probe[o] === 1 && probe[o + 1] === 2 && probe[o + 2] === 3) untouched++;
          }
        }
      }
      skipping.mesh.drawPlaced(b);
      fit.transform.fill(0);
      fit.inverse.fill(0);
      for (let i = 0; i < a.length; i++) {
        const d = Math.abs(a[i]! - b[i]!);
        if (d > 0) differing++;
        if (d > maxDiff) maxDiff = d;
      }
    }
    return { maxDiff, differing, excluded, untouched };
  } finally {
    run.purge();
  }
}

const everyFrame = Array.from({ length: frameCount }, (_, i) => i);

describe('head layer under the mesh face: skipping what the face covers', () => {
  it('renders the default template’s 90 frames exactly as without the exclusion, which skips most of the face', () => {
    const outcome = compare(everyFrame, undefined);
    expect(outcome.maxDiff).toBeLessThanOrEqual(1);
    expect(outcome.differing).toBe(0);
    // About 150 × 200 px of face per frame: the region must be real and the layer must skip it.
    expect(outcome.excluded).toBeGreaterThan(frameCount * 10_000);
    expect(outcome.untouched).toBe(outcome.excluded);
  }, 120_000);

  it("'draft' (no seam band, the region reaches to the outline) renders exactly as without it too", () => {
    const outcome = compare(everyFrame.filter((i) => i % 2 === 0), undefined, 'draft');
    expect(outcome.differing).toBe(0);
    expect(outcome.excluded).toBeGreaterThan((frameCount / 2) * 15_000);
    expect(outcome.untouched).toBe(outcome.excluded);
  }, 120_000);

  it('also with the face scaled up, turned 35° and partly out of the frame', () => {
    const outcome = compare(everyFrame.filter((i) => i % 3 === 0), { scale: 2.2, angle: 0.6 });
    expect(outcome.maxDiff).toBeLessThanOrEqual(1);
    expect(outcome.excluded).toBeGreaterThan(0);
    expect(outcome.untouched).toBe(outcome.excluded);
  }, 120_000);

  it('control: a region grown 25 px past the safe one changes the frames', () => {
    const outcome = compare([0, 30, 60], undefined, 'standard', 25);
    expect(outcome.maxDiff).toBeGreaterThan(1);
    expect(outcome.differing).toBeGreaterThan(100);
  }, 120_000);
});
