import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/invalidArgumentError';
import { NoFaceError } from '../errors/noFaceError';
import { isVopopError } from '../errors/vopopError';
import { FaceTrackGapError } from '../tracking/faceTrackGapError';
import { fillTrackGaps } from '../tracking/fillTrackGaps';

/** A stride-2 track of `frames` frames with x = 10·f, y = 100 − f; missing frames hold NaN. */
function track(frames: number, missing: readonly number[]): { points: Float64Array; found: Uint8Array } {
  const points = new Float64Array(frames * 2);
  const found = new Uint8Array(frames).fill(1);
  for (let f = 0; f < frames; f++) {
    points[f * 2] = 10 * f;
    points[f * 2 + 1] = 100 - f;
  }
  for (const f of missing) {
    found[f] = 0;
    points[f * 2] = Number.NaN;
    points[f * 2 + 1] = Number.NaN;
  }
  return { points, found };
}

describe('fillTrackGaps', () => {
  it('interpolates interior gaps linearly and holds the nearest frame at either end', () => {
    const { points, found } = track(12, [0, 1, 4, 5, 6, 11]);
    const summary = fillTrackGaps(points, found, 2, 3);
    expect(summary).toEqual({ filledFrames: 6, gaps: 3, longestGap: 3 });
    // Interior: exactly on the line.
    for (const f of [4, 5, 6]) expect([points[f * 2], points[f * 2 + 1]]).toEqual([10 * f, 100 - f]);
    // Start holds frame 2, end holds frame 10.
    expect([points[0], points[1], points[2], points[3]]).toEqual([20, 98, 20, 98]);
    expect([points[22], points[23]]).toEqual([100, 90]);
    expect(Array.from(points).every(Number.isFinite)).toBe(true);
  });

  it('leaves a complete track untouched', () => {
    const { points, found } = track(5, []);
    const copy = points.slice();
    expect(fillTrackGaps(points, found, 2, 0)).toEqual({ filledFrames: 0, gaps: 0, longestGap: 0 });
    expect(points).toEqual(copy);
  });

  it('refuses a gap longer than allowed with FaceTrackGapError (code NO_FACE) saying where', () => {
    const { points, found } = track(20, [6, 7, 8, 9, 10]);
    let caught: unknown;
    try {
      fillTrackGaps(points, found, 2, 4);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(FaceTrackGapError);
    expect(caught).toBeInstanceOf(NoFaceError);
    const error = caught as FaceTrackGapError;
    expect(isVopopError(error)).toBe(true);
    expect(error.code).toBe('NO_FACE');
    expect(error.name).toBe('FaceTrackGapError');
    expect([error.firstFrame, error.frames, error.maxGapFrames]).toEqual([6, 5, 4]);
    expect(error.message).toContain('frame 6');
  });

  it('a long gap at the start also counts', () => {
    const { points, found } = track(20, [0, 1, 2]);
    expect(() => fillTrackGaps(points, found, 2, 2)).toThrow(FaceTrackGapError);
  });

  it('no face in any frame is NoFaceError, not a gap', () => {
    const { points, found } = track(4, [0, 1, 2, 3]);
    let caught: unknown;
    try {
      fillTrackGaps(points, found, 2, 100);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(NoFaceError);
    expect(caught).not.toBeInstanceOf(FaceTrackGapError);
    expect((caught as Error).message).toContain('video');
  });

  it('refuses mismatched sizes and a bad maximum', () => {
    expect(() => fillTrackGaps(new Float64Array(5), new Uint8Array(3), 2, 1)).toThrow(InvalidArgumentError);
    expect(() => fillTrackGaps(new Float64Array(6), new Uint8Array(3), 2, -1)).toThrow(InvalidArgumentError);
    expect(() => fillTrackGaps(new Float64Array(6), new Uint8Array(3), 2, 1.5)).toThrow(InvalidArgumentError);
  });
});
