import { InvalidArgumentError } from '../errors/invalidArgumentError';
import type { OneEuroOptions } from './oneEuroFilter';
import { OneEuroFilter, resolveOneEuroOptions } from './oneEuroFilter';

/**
 * How {@link smoothPointTrack} smooths.
 *
 * @public
 */
export interface PointTrackSmoothing extends OneEuroOptions {
  /**
   * `'forward'`: the classic causal filter, as a live tracker would run it; it trails a moving
   * point. `'forward-backward'` (default): the filter runs forwards and backwards over the whole
   * track and the two are averaged. A template is built offline with every frame at hand, and
   * the two passes lag in opposite directions, so their mean follows steady motion without the
   * constant offset a causal filter leaves, while jitter is reduced at least as much.
   */
  readonly direction?: 'forward' | 'forward-backward';
}

/**
 * Smoothing used by the template builder, chosen on the round-trip test: a face moved along a
 * known similarity path (zoom, turn, drift; up to ~3.8 px per frame, eyes 40–53 px apart),
 * encoded as H.264 at 360×640, 30 fps. There the raw detections jitter by ~0.16 px RMS from
 * frame to frame, on top of a slowly varying model error (~0.7 px RMS) that no smoothing can
 * remove. `minCutoff` 1.5 Hz halves the jitter; `beta` 0.05 raises the cut-off while the
 * face moves so that motion is not rounded off; and the forward-backward pass cancels the lag a
 * causal filter leaves (forward only, the same parameters trail the path by ~2 px RMS; forward
 * and backward, by 0.16 px). Lower `minCutoff` or `beta` trade more lag for little less jitter.
 * See docs/template-build.md for the sweep.
 *
 * @public
 */
export const defaultTrackSmoothing: Readonly<Required<PointTrackSmoothing>> = Object.freeze({
  minCutoff: 1.5,
  beta: 0.05,
  dCutoff: 1,
  direction: 'forward-backward',
});

/**
 * Smooth a track of points over frames with a One-Euro filter per coordinate.
 *
 * `track` holds `frames × stride` numbers, frame after frame (the template's 5-point track is
 * stride 10: x0, y0, … x4, y4). Every column is filtered on its own, as a function of time
 * `frame / fps`. Returns a new array; `track` is not changed. A track of one frame comes back
 * as it was.
 *
 * The result is derived from whatever face the track follows: hold it in an ephemeral handle.
 *
 * @throws {@link InvalidArgumentError} for a bad stride, fps or smoothing parameter, or a track
 * whose length is not a multiple of `stride` or holds a non-finite number.
 * @public
 */
export function smoothPointTrack(
  track: Float64Array | Float32Array,
  stride: number,
  fps: number,
  smoothing: PointTrackSmoothing = defaultTrackSmoothing,
): Float64Array {
  if (!(track instanceof Float64Array || track instanceof Float32Array)) {
    throw new InvalidArgumentError('smoothPointTrack: track must be a Float64Array or Float32Array.');
  }
  if (!Number.isInteger(stride) || stride < 1) {
    throw new InvalidArgumentError(`smoothPointTrack: stride must be a positive integer; got ${String(stride)}.`);
  }
  if (track.length % stride !== 0) {
    throw new InvalidArgumentError(
      `smoothPointTrack: the track holds ${track.length} numbers, not a multiple of the stride ${stride}.`,
    );
  }
  if (typeof fps !== 'number' || !Number.isFinite(fps) || fps <= 0) {
    throw new InvalidArgumentError(`smoothPointTrack: fps must be a positive number; got ${String(fps)}.`);
  }
  const options = resolveOneEuroOptions(smoothing);
  const direction = smoothing.direction ?? 'forward-backward';
  if (direction !== 'forward' && direction !== 'forward-backward') {
    throw new InvalidArgumentError("smoothPointTrack: direction must be 'forward' or 'forward-backward'.");
  }
  for (const value of track) {
    if (!Number.isFinite(value)) throw new InvalidArgumentError('smoothPointTrack: the track holds a non-finite number.');
  }
  const frames = track.length / stride;
  const out = new Float64Array(track.length);
  const filter = new OneEuroFilter(options);
  for (let c = 0; c < stride; c++) {
    filter.reset();
    for (let f = 0; f < frames; f++) out[f * stride + c] = filter.filter(track[f * stride + c]!, f / fps);
    if (direction === 'forward') continue;
    filter.reset();
    // Time runs backwards too, mirrored so that it still increases for the filter.
    for (let f = frames - 1; f >= 0; f--) {
      const backward = filter.filter(track[f * stride + c]!, (frames - 1 - f) / fps);
      out[f * stride + c] = (out[f * stride + c]! + backward) / 2;
    }
  }
  return out;
}
