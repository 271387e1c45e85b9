import { NoFaceError } from '../errors/noFaceError';

/**
 * Thrown when a video loses the face for longer than the template builder may bridge: a face
 * that is gone for a moment is interpolated, but inventing its path over a long stretch would
 * place the user's face where the actor's is not. The code stays `NO_FACE` (same family and
 * exit code as a photo without a face); the fields say where the gap is.
 *
 * @public
 */
export class FaceTrackGapError extends NoFaceError {
  constructor(
    /** First frame (0-based) without a face. */
    readonly firstFrame: number,
    /** How many consecutive frames had no face. */
    readonly frames: number,
    /** The longest gap that would have been filled, in frames. */
    readonly maxGapFrames: number,
  ) {
    super(
      `No face was found in ${frames} consecutive frames of the video, from frame ${firstFrame}; ` +
        `at most ${maxGapFrames} can be filled in. Cut the video so that the face is visible ` +
        'throughout, or make it easier to see (facing the camera, well lit, not covered).',
    );
    this.name = 'FaceTrackGapError';
  }
}
