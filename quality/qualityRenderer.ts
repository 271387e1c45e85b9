import type { MeshTrack, RenderJob, Renderer, VideoEncoderPort } from '@vopop/core';

/**
 * What the harness knows about a rendered frame besides its pixels: where the renderer meant the
 * face to be, and how the face moved since the previous frame.
 */
export interface FramePlan {
  /** The target face mesh in frame pixels, `x, y, z` per point (468 or 478 points). */
  readonly target: Float32Array;
  /**
   * The known motion from this frame back to the previous one: where the face point now at
   * (x, y) was a frame earlier. Absent for the first frame.
   */
  readonly backward?: (x: number, y: number, out: Float64Array) => boolean;
}

/**
 * A renderer under test. `plan` must give the renderer's own targets: for the v1 compositor the
 * photo's mesh through the frame's similarity, for a mesh renderer its retargeted mesh.
 */
export interface QualityRenderer {
  /** Short name, the table's `renderer` column. */
  readonly name: string;
  /** The renderer, encoding through `encoder` (the harness taps it to see frames before encoding). */
  create(encoder: VideoEncoderPort): Renderer;
  /**
   * The per-frame plan for `job` (its photo's face is `job.landmarks`), frames `0…frameCount−1`.
   *
   * @param meshTrack - the template's mesh track, for a template with a `mesh` face track
   */
  plan(job: RenderJob, meshTrack?: MeshTrack): (frameIndex: number) => FramePlan;
}
