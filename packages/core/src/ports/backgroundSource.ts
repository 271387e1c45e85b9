import type { EphemeralScope } from '../purge/ephemeralScope';
import type { Template } from '../templates/templateSchema';

/**
 * A template's recorded background, frame by frame, in render order.
 *
 * @public
 */
export interface BackgroundFrames extends AsyncDisposable {
  /** Draw the next frame, RGBA at the template's size, into `out`. */
  next(out: Uint8Array): Promise<void>;
}

/**
 * Supplies the frames of templates whose background is recorded (a video file, or encoded
 * images) rather than procedural. Reading files is the platform's job, so adapters implement it.
 *
 * @public
 */
export interface BackgroundSource {
  /** Start reading `template`'s background. Throws `TemplateInvalidError` if it cannot. */
  open(template: Template, scope: EphemeralScope, signal?: AbortSignal): Promise<BackgroundFrames>;
}
