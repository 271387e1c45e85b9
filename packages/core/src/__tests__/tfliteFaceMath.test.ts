import { describe, expect, it } from 'vitest';
import { blazeFaceShortRangeAnchors } from '../tflite/blazeFaceAnchors';
import { decodeBlazeFace } from '../tflite/decodeBlazeFace';
import { faceRegionFromDetection, regionToPhoto } from '../tflite/faceRegion';
import { nonMaxSuppression } from '../tflite/nonMaxSuppression';

describe('TFLite face maths', () => {
  it('generates the 896 short-range anchors: 512 on the 16×16 grid, then 384 on the 8×8 grid', () => {
    const anchors = blazeFaceShortRangeAnchors();
    expect(anchors.length).toBe(896 * 2);
    // The first two share the first cell of the stride-8 grid; the 513th starts the stride-16 grid.
    expect([anchors[0], anchors[1], anchors[2], anchors[3]]).toEqual([1 / 32, 1 / 32, 1 / 32, 1 / 32]);
    expect([anchors[512 * 2], anchors[512 * 2 + 1]]).toEqual([1 / 16, 1 / 16]);
    expect(anchors[895 * 2]).toBeCloseTo(15 / 16);
  });

  it('decodes a box and keypoints relative to the anchor, through the letterbox, above the score only', () => {
    const anchors = blazeFaceShortRangeAnchors();
    const regressors = new Float32Array(896 * 16);
    const scores = new Float32Array(896).fill(-10);
    const i = 600;
    scores[i] = 3; // sigmoid ≈ 0.95
    regressors.set([4, -2, 32, 40, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0], 16 * i);
    // A 256×128 photo letterboxed into 128×128: scale 0.5, 32 rows of padding on top.
    const found = decodeBlazeFace(regressors, scores, anchors, { scale: 0.5, padX: 0, padY: 32 }, 0.5);
    expect(found).toHaveLength(1);
    const ax = anchors[2 * i]! * 128;
    const ay = anchors[2 * i + 1]! * 128;
    const [x0, y0, x1, y1] = found[0]!.box;
    expect((x0! + x1!) / 2).toBeCloseTo((ax + 4) / 0.5, 3);
    expect((y0! + y1!) / 2).toBeCloseTo((ay - 2 - 32) / 0.5, 3);
    expect(x1! - x0!).toBeCloseTo(64, 3);
    expect(y1! - y0!).toBeCloseTo(80, 3);
    expect(found[0]!.keypoints[2]).toBeCloseTo((ax + 8) / 0.5, 3);
    expect(found[0]!.score).toBeCloseTo(1 / (1 + Math.exp(-3)), 5);
  });

  it('keeps the best of overlapping detections as it is, and keeps apart ones', () => {
    const detection = (x: number, score: number) => ({
      box: new Float32Array([x, 0, x + 10, 10]),
      keypoints: new Float32Array(12).fill(x),
      score,
    });
    const best = detection(1, 0.9);
    // IoU of boxes 1 px apart: 90/110 > 0.3, dropped; 5 px apart: 50/150 > 0.3, dropped; 8 px: 20/180 ≤ 0.3, kept.
    const kept = nonMaxSuppression([detection(0, 0.6), best, detection(6, 0.8), detection(9, 0.5), detection(50, 0.7)], 0.3);
    expect(kept.map((d) => d.box[0])).toEqual([1, 50, 9]);
    expect(kept[0]).toBe(best);
  });

  it('turns the region by the eye line and projects its corners back into the photo', () => {
    // Eyes on a line rising 45° to the left eye (image right, up): the face is rolled anticlockwise.
    const keypoints = new Float32Array(12);
    keypoints.set([100, 200, 200, 100]);
    const region = faceRegionFromDetection({ box: new Float32Array([100, 100, 300, 300]), keypoints, score: 1 });
    expect(region.rotation).toBeCloseTo(-Math.PI / 4, 6);
    expect(region.size).toBeCloseTo(300, 6);
    const [cx, cy] = regionToPhoto(region, 0.5, 0.5);
    expect([cx, cy]).toEqual([200, 200]);
    // The region's "right" direction follows the eye line.
    const [rx, ry] = regionToPhoto(region, 1, 0.5);
    expect(rx - 200).toBeCloseTo(150 * Math.SQRT1_2, 4);
    expect(ry - 200).toBeCloseTo(-150 * Math.SQRT1_2, 4);
  });
});
