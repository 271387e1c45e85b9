import { InvalidArgumentError } from '../errors/invalidArgumentError';
import { NoFaceError } from '../errors/noFaceError';
import { FaceTrackGapError } from './faceTrackGapError';

/**
 * What {@link fillTrackGaps} did.
 *
 * @public
 */
export interface TrackGapSummary {
  /** Frames that had no detection and were filled in. */
  readonly filledFrames: number;
  /** Runs of consecutive missing frames that were filled. */
  readonly gaps: number;
  /** The longest run filled, in frames (0 when none). */
  readonly longestGap: number;
}

/**
 * Fill the frames of a point track where the detector found no face, in place.
 *
 * A gap between two detected frames is interpolated linearly: over a fraction of a second a
 * face moves close to a straight line, and the smoothing that follows rounds the corners. A gap
 * at the start or the end holds the nearest detected frame (there is nothing on the other side
 * to interpolate towards). A run longer than `maxGapFrames` is not filled: it throws
 * {@link FaceTrackGapError}, because the template would place the user's face where there is
 * none. A track with no detection at all throws `NoFaceError`.
 *
 * @param track - `found.length × stride` numbers, frame after frame; values of missing frames
 * are ignored and overwritten.
 * @param found - per frame, non-zero when the frame holds a detection.
 * @param maxGapFrames - the longest run of missing frames that may be filled (≥ 0).
 * @throws {@link InvalidArgumentError} for mismatched sizes or a bad `maxGapFrames`.
 * @public
 */
export function fillTrackGaps(
  track: Float64Array | Float32Array,
  found: Uint8Array,
  stride: number,
  maxGapFrames: number,
): TrackGapSummary {
  if (!(track instanceof Float64Array || track instanceof Float32Array) || !(found instanceof Uint8Array)) {
    throw new InvalidArgumentError('fillTrackGaps: expected a Float64Array/Float32Array track and a Uint8Array of flags.');
  }
  if (!Number.isInteger(stride) || stride < 1 || track.length !== found.length * stride) {
    throw new InvalidArgumentError(
      `fillTrackGaps: the track must hold found.length × stride numbers (${found.length} × ${String(stride)}); ` +
        `it holds ${track.length}.`,
    );
  }
  if (!Number.isInteger(maxGapFrames) || maxGapFrames < 0) {
    throw new InvalidArgumentError(`fillTrackGaps: maxGapFrames must be an integer ≥ 0; got ${String(maxGapFrames)}.`);
  }
  const frames = found.length;
  let previous = -1;
  let filledFrames = 0;
  let gaps = 0;
  let longestGap = 0;
  for (let f = 0; f <= frames; f++) {
    if (f < frames && found[f] === 0) continue;
    const length = f - previous - 1;
    if (length > 0) {
      if (previous < 0 && f === frames) {
        throw new NoFaceError(
          'No face was found in any frame of the video. Use a video in which one face, seen from the ' +
            'front, fills a good part of the picture, in even light.',
        );
      }
      if (length > maxGapFrames) throw new FaceTrackGapError(previous + 1, length, maxGapFrames);
      fill(track, stride, previous, f, frames);
      filledFrames += length;
      gaps++;
      longestGap = Math.max(longestGap, length);
    }
    previous = f;
  }
  return { filledFrames, gaps, longestGap };
}

/** Fill frames strictly between `before` and `after` (either may be outside the track). */
function fill(track: Float64Array | Float32Array, stride: number, before: number, after: number, frames: number): void {
  for (let f = before + 1; f < after; f++) {
    for (let c = 0; c < stride; c++) {
      let value: number;
      if (before < 0) value = track[after * stride + c]!;
      else if (after >= frames) value = track[before * stride + c]!;
      else {
        const t = (f - before) / (after - before);
        const a = track[before * stride + c]!;
        value = a + (track[after * stride + c]! - a) * t;
      }
      track[f * stride + c] = value;
    }
  }
}
