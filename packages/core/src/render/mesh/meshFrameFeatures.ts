import type { TemplateMouthSource } from './recordedMouth';

/**
 * What a template frame adds to the mesh compositor's draw beyond the target mesh: where the
 * template's eyes look, and its own mouth interior. Both come from a recorded template (a
 * 478-point mesh track, the actor's video as background); built-in templates pass neither.
 *
 * @internal
 */
export interface MeshFrameFeatures {
  /**
   * The template's gaze relative to its neutral: per eye (image-left first) the iris's offset
   * along the eye-corner line and across it, in eye widths (see `gazeDelta` in gaze.ts).
   */
  readonly gaze?: Float32Array | undefined;
  /** The template frame's mouth interior, captured before anything was drawn over it. */
  readonly mouth?: TemplateMouthSource | undefined;
}
